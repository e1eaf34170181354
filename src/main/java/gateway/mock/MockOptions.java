package gateway.mock;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link MockBackend} answers, and how it misbehaves when asked to. The options are
 * grouped by concern (pacing, the simulated prefix cache, faults) so that each part of
 * the mock receives only its own group; make a set with {@link #builder()}, or change
 * {@link #defaults()} with one of the {@code withX} shortcuts.
 *
 * @param shape   the API it imitates
 * @param reply   the reply's text (a shape may say otherwise: vendor-c echoes the prompt)
 * @param models  the model ids {@code GET /v1/models} lists; the first is named when a request names none
 * @param slots   requests generating at once, as llama-server's {@code -np}; the others wait in turn; 0: no limit
 * @param loading how long after the start {@code /health} and chats answer 503 "Loading model"
 * @param pacing  when bytes leave
 * @param cache   the simulated prefix (KV) cache and the prompt processing time it saves
 * @param faults  how often each fault is injected
 */
public record MockOptions(Shape shape, String reply, List<String> models, int slots, Duration loading,
        Pacing pacing, Cache cache, Faults faults) {

    public MockOptions {
        requireNonNull(shape, "shape");
        requireNonNull(reply, "reply");
        models = List.copyOf(models);
        requireNonNull(pacing, "pacing");
        requireNonNull(cache, "cache");
        requireNonNull(faults, "faults");
        check(!models.isEmpty(), "models: at least one");
        check(slots >= 0, "slots: 0 or more");
        check(!loading.isNegative(), "loading: not negative");
    }

    /**
     * @param firstByteDelay the pause before answering at all, outside any slot (to provoke timeouts)
     * @param tokenDelay     the pause between streamed words (whole replies are not paced)
     */
    public record Pacing(Duration firstByteDelay, Duration tokenDelay) {
        public Pacing {
            check(!firstByteDelay.isNegative() && !tokenDelay.isNegative(), "pacing: delays not negative");
        }
    }

    /**
     * @param tokens          how many prompt tokens the cache holds, in blocks of 16; 0: no cache
     * @param prefillPerToken the time to process one prompt token not found in the cache
     */
    public record Cache(int tokens, Duration prefillPerToken) {
        public Cache {
            check(tokens >= 0 && !prefillPerToken.isNegative(), "cache: tokens and prefill time not negative");
        }
    }

    /**
     * Each rate is the chance, 0 to 1, that a request meets that fault.
     *
     * @param errorRate     answer 500 "injected failure" in the shape's error format
     * @param rateLimitRate answer 429 with a retry hint: OpenAI's headers, or a prompt shape's {@code retryAfterMs}
     * @param cutRate       end a stream half-way, without {@code [DONE]}
     * @param garbageRate   put a line that is not SSE in the middle of a stream
     * @param slowRate      delay the first byte by a random time from {@code slowMin} to {@code slowMax}
     */
    public record Faults(double errorRate, double rateLimitRate, double cutRate, double garbageRate,
            double slowRate, Duration slowMin, Duration slowMax) {
        public Faults {
            for (double rate : new double[] {errorRate, rateLimitRate, cutRate, garbageRate, slowRate}) {
                check(rate >= 0 && rate <= 1, "faults: every rate from 0 to 1");
            }
            check(!slowMin.isNegative() && slowMin.compareTo(slowMax) <= 0, "faults: 0 <= slowMin <= slowMax");
        }
    }

    public static MockOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The model a reply names when its request names none. */
    public String model() {
        return models.getFirst();
    }

    // Shortcuts for the options tests change most; the builder reaches every other one.

    public MockOptions withReply(String reply) {
        return toBuilder().reply(reply).build();
    }

    public MockOptions withTokenDelay(Duration tokenDelay) {
        return toBuilder().tokenDelay(tokenDelay).build();
    }

    public MockOptions withFirstByteDelay(Duration firstByteDelay) {
        return toBuilder().firstByteDelay(firstByteDelay).build();
    }

    public MockOptions withErrorRate(double errorRate) {
        return toBuilder().errorRate(errorRate).build();
    }

    public MockOptions withRateLimitRate(double rateLimitRate) {
        return toBuilder().rateLimitRate(rateLimitRate).build();
    }

    public MockOptions withCutRate(double cutRate) {
        return toBuilder().cutRate(cutRate).build();
    }

    public MockOptions withGarbageRate(double garbageRate) {
        return toBuilder().garbageRate(garbageRate).build();
    }

    private static void check(boolean rule, String message) {
        if (!rule) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Every option with its default; {@link #build()} checks them. */
    public static final class Builder {
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

        private Builder() {
        }

        private Builder(MockOptions o) {
            shape(o.shape).reply(o.reply).models(o.models).slots(o.slots).loading(o.loading)
                    .firstByteDelay(o.pacing.firstByteDelay).tokenDelay(o.pacing.tokenDelay)
                    .cacheTokens(o.cache.tokens).prefillPerToken(o.cache.prefillPerToken)
                    .errorRate(o.faults.errorRate).rateLimitRate(o.faults.rateLimitRate).cutRate(o.faults.cutRate)
                    .garbageRate(o.faults.garbageRate).slowRate(o.faults.slowRate).slow(o.faults.slowMin, o.faults.slowMax);
        }

        public Builder shape(Shape shape) { this.shape = shape; return this; }

        public Builder reply(String reply) { this.reply = reply; return this; }

        public Builder models(List<String> models) { this.models = models; return this; }

        public Builder models(String... models) { return models(List.of(models)); }

        public Builder slots(int slots) { this.slots = slots; return this; }

        public Builder loading(Duration loading) { this.loading = loading; return this; }

        public Builder firstByteDelay(Duration delay) { this.firstByteDelay = delay; return this; }

        public Builder tokenDelay(Duration delay) { this.tokenDelay = delay; return this; }

        public Builder cacheTokens(int tokens) { this.cacheTokens = tokens; return this; }

        public Builder prefillPerToken(Duration time) { this.prefillPerToken = time; return this; }

        public Builder errorRate(double rate) { this.errorRate = rate; return this; }

        public Builder rateLimitRate(double rate) { this.rateLimitRate = rate; return this; }

        public Builder cutRate(double rate) { this.cutRate = rate; return this; }

        public Builder garbageRate(double rate) { this.garbageRate = rate; return this; }

        public Builder slowRate(double rate) { this.slowRate = rate; return this; }

        /** The range of a slow reply's extra delay. */
        public Builder slow(Duration min, Duration max) { this.slowMin = min; this.slowMax = max; return this; }

        public MockOptions build() {
            return new MockOptions(shape, reply, models, slots, loading, new Pacing(firstByteDelay, tokenDelay),
                    new Cache(cacheTokens, prefillPerToken),
                    new Faults(errorRate, rateLimitRate, cutRate, garbageRate, slowRate, slowMin, slowMax));
        }
    }
}
