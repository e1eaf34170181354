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

    /** Checks every option. */
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
     * When bytes leave.
     *
     * @param firstByteDelay the pause before answering at all, outside any slot (to provoke timeouts)
     * @param tokenDelay     the pause between streamed words (whole replies are not paced)
     */
    public record Pacing(Duration firstByteDelay, Duration tokenDelay) {
        /** Checks the delays. */
        public Pacing {
            check(!firstByteDelay.isNegative() && !tokenDelay.isNegative(), "pacing: delays not negative");
        }
    }

    /**
     * The simulated prefix (KV) cache, as llama-server's.
     *
     * @param tokens          how many prompt tokens the cache holds, in blocks of 16; 0: no cache
     * @param prefillPerToken the time to process one prompt token not found in the cache
     */
    public record Cache(int tokens, Duration prefillPerToken) {
        /** Checks the figures. */
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
     * @param slowMin       the shortest such delay
     * @param slowMax       the longest such delay
     */
    public record Faults(double errorRate, double rateLimitRate, double cutRate, double garbageRate,
            double slowRate, Duration slowMin, Duration slowMax) {
        /** Checks the rates and the range. */
        public Faults {
            for (double rate : new double[] {errorRate, rateLimitRate, cutRate, garbageRate, slowRate}) {
                check(rate >= 0 && rate <= 1, "faults: every rate from 0 to 1");
            }
            check(!slowMin.isNegative() && slowMin.compareTo(slowMax) <= 0, "faults: 0 <= slowMin <= slowMax");
        }
    }

    /** {@return the defaults: OpenAI's API, replying "Mock" at once, as {@code mock-model}, without faults} */
    public static MockOptions defaults() {
        return builder().build();
    }

    /** {@return a builder starting from the defaults} */
    public static MockOptionsBuilder builder() {
        return new MockOptionsBuilder();
    }

    /** {@return a builder holding these options, to make a changed copy} */
    public MockOptionsBuilder toBuilder() {
        return new MockOptionsBuilder(this);
    }

    /** {@return the model a reply names when its request names none} */
    public String model() {
        return models.getFirst();
    }

    // Shortcuts for the options tests change most; the builder reaches every other one.

    /**
     * {@return these options with another reply}
     *
     * @param reply the reply's text
     */
    public MockOptions withReply(String reply) {
        return toBuilder().reply(reply).build();
    }

    /**
     * {@return these options with another pause between streamed words}
     *
     * @param tokenDelay the pause
     */
    public MockOptions withTokenDelay(Duration tokenDelay) {
        return toBuilder().tokenDelay(tokenDelay).build();
    }

    /**
     * {@return these options with another pause before answering}
     *
     * @param firstByteDelay the pause
     */
    public MockOptions withFirstByteDelay(Duration firstByteDelay) {
        return toBuilder().firstByteDelay(firstByteDelay).build();
    }

    /**
     * {@return these options with another chance of a 500}
     *
     * @param errorRate 0 to 1
     */
    public MockOptions withErrorRate(double errorRate) {
        return toBuilder().errorRate(errorRate).build();
    }

    /**
     * {@return these options with another chance of a 429}
     *
     * @param rateLimitRate 0 to 1
     */
    public MockOptions withRateLimitRate(double rateLimitRate) {
        return toBuilder().rateLimitRate(rateLimitRate).build();
    }

    /**
     * {@return these options with another chance of a stream cut half-way}
     *
     * @param cutRate 0 to 1
     */
    public MockOptions withCutRate(double cutRate) {
        return toBuilder().cutRate(cutRate).build();
    }

    /**
     * {@return these options with another chance of a line that is not SSE in a stream}
     *
     * @param garbageRate 0 to 1
     */
    public MockOptions withGarbageRate(double garbageRate) {
        return toBuilder().garbageRate(garbageRate).build();
    }

    private static void check(boolean rule, String message) {
        if (!rule) {
            throw new IllegalArgumentException(message);
        }
    }
}
