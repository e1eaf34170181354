package gateway.mock;

import java.time.Duration;
import java.util.List;

/**
 * The options of a {@link MockBackend}, each with its default, set one by one: made by
 * {@link MockOptions#builder()} or {@link MockOptions#toBuilder()}; {@link #build()} checks them.
 */
public final class MockOptionsBuilder {
    private Shape shape = Shape.OPENAI;
    private String reply = "Mock";
    private List<String> models = List.of("mock-model");
    private int slots;
    private Duration loading = Duration.ZERO;
    private Duration firstByteDelay = Duration.ZERO;
    private Duration tokenDelay = Duration.ZERO;
    private int cacheTokens;
    private Duration prefillPerToken = Duration.ZERO;
    private double errorRate;
    private double rateLimitRate;
    private double cutRate;
    private double garbageRate;
    private double slowRate;
    // A seed vendor's "slow" replies took 2 to 5 s: long enough to trip a client's patience.
    private Duration slowMin = Duration.ofSeconds(2);
    private Duration slowMax = Duration.ofSeconds(5);

    MockOptionsBuilder() {
    }

    MockOptionsBuilder(MockOptions o) {
        shape(o.shape()).reply(o.reply()).models(o.models()).slots(o.slots()).loading(o.loading())
                .firstByteDelay(o.pacing().firstByteDelay()).tokenDelay(o.pacing().tokenDelay())
                .cacheTokens(o.cache().tokens()).prefillPerToken(o.cache().prefillPerToken())
                .errorRate(o.faults().errorRate()).rateLimitRate(o.faults().rateLimitRate()).cutRate(o.faults().cutRate())
                .garbageRate(o.faults().garbageRate()).slowRate(o.faults().slowRate()).slow(o.faults().slowMin(), o.faults().slowMax());
    }

    /**
     * Sets the API it imitates ({@link Shape#OPENAI} by default).
     *
     * @param shape the value
     * @return this builder
     */
    public MockOptionsBuilder shape(Shape shape) { this.shape = shape; return this; }

    /**
     * Sets the reply's text ({@code Mock} by default).
     *
     * @param reply the value
     * @return this builder
     */
    public MockOptionsBuilder reply(String reply) { this.reply = reply; return this; }

    /**
     * Sets the model ids it lists; the first is named when a request names none ({@code mock-model} by default).
     *
     * @param models the value
     * @return this builder
     */
    public MockOptionsBuilder models(List<String> models) { this.models = models; return this; }

    /**
     * Sets the model ids it lists; the first is named when a request names none.
     *
     * @param models the value
     * @return this builder
     */
    public MockOptionsBuilder models(String... models) { return models(List.of(models)); }

    /**
     * Sets requests generating at once; the others wait in turn (0, no limit, by default).
     *
     * @param slots the value
     * @return this builder
     */
    public MockOptionsBuilder slots(int slots) { this.slots = slots; return this; }

    /**
     * Sets how long after the start it answers 503 "Loading model" (none by default).
     *
     * @param loading the value
     * @return this builder
     */
    public MockOptionsBuilder loading(Duration loading) { this.loading = loading; return this; }

    /**
     * Sets the pause before answering at all (none by default).
     *
     * @param delay the value
     * @return this builder
     */
    public MockOptionsBuilder firstByteDelay(Duration delay) { this.firstByteDelay = delay; return this; }

    /**
     * Sets the pause between streamed words (none by default).
     *
     * @param delay the value
     * @return this builder
     */
    public MockOptionsBuilder tokenDelay(Duration delay) { this.tokenDelay = delay; return this; }

    /**
     * Sets how many prompt tokens its prefix cache holds (0, no cache, by default).
     *
     * @param tokens the value
     * @return this builder
     */
    public MockOptionsBuilder cacheTokens(int tokens) { this.cacheTokens = tokens; return this; }

    /**
     * Sets the time to process one prompt token not found in the cache (none by default).
     *
     * @param time the value
     * @return this builder
     */
    public MockOptionsBuilder prefillPerToken(Duration time) { this.prefillPerToken = time; return this; }

    /**
     * Sets the chance, 0 to 1, of a 500 "injected failure".
     *
     * @param rate the value
     * @return this builder
     */
    public MockOptionsBuilder errorRate(double rate) { this.errorRate = rate; return this; }

    /**
     * Sets the chance, 0 to 1, of a 429 with a retry hint.
     *
     * @param rate the value
     * @return this builder
     */
    public MockOptionsBuilder rateLimitRate(double rate) { this.rateLimitRate = rate; return this; }

    /**
     * Sets the chance, 0 to 1, that a stream ends half-way without {@code [DONE]}.
     *
     * @param rate the value
     * @return this builder
     */
    public MockOptionsBuilder cutRate(double rate) { this.cutRate = rate; return this; }

    /**
     * Sets the chance, 0 to 1, of a line that is not SSE in the middle of a stream.
     *
     * @param rate the value
     * @return this builder
     */
    public MockOptionsBuilder garbageRate(double rate) { this.garbageRate = rate; return this; }

    /**
     * Sets the chance, 0 to 1, that the first byte is delayed by a time within {@link #slow}.
     *
     * @param rate the value
     * @return this builder
     */
    public MockOptionsBuilder slowRate(double rate) { this.slowRate = rate; return this; }

    /**
     * Sets the range of a slow reply's extra delay (2 to 5 s by default).
     *
     * @param min the shortest
     * @param max the longest
     * @return this builder
     */
    public MockOptionsBuilder slow(Duration min, Duration max) { this.slowMin = min; this.slowMax = max; return this; }

    /**
     * {@return the options}
     *
     * @throws IllegalArgumentException for an option out of its range, naming it
     */
    public MockOptions build() {
        return new MockOptions(shape, reply, models, slots, loading, new MockOptions.Pacing(firstByteDelay, tokenDelay),
                new MockOptions.Cache(cacheTokens, prefillPerToken),
                new MockOptions.Faults(errorRate, rateLimitRate, cutRate, garbageRate, slowRate, slowMin, slowMax));
    }
}
