package gateway.mock;

import java.time.Duration;

/**
 * How a {@link MockBackend} answers, and how it misbehaves when asked to (each rate is
 * the chance, 0 to 1, that a request meets that fault).
 *
 * @param reply          the assistant's text
 * @param model          the model it lists and names when a request names none
 * @param tokenDelay     the pause between streamed words (pacing)
 * @param firstByteDelay the pause before answering at all (to provoke timeouts)
 * @param errorRate      answer 500 in llama.cpp's error format
 * @param rateLimitRate  answer 429 with {@code Retry-After: 1}
 * @param cutRate        end a stream half-way, without {@code [DONE]}
 * @param garbageRate    put a line that is not SSE in the middle of a stream
 */
public record MockOptions(String reply, String model, Duration tokenDelay, Duration firstByteDelay,
        double errorRate, double rateLimitRate, double cutRate, double garbageRate) {

    public static MockOptions defaults() {
        return new MockOptions("Mock", "mock-model", Duration.ZERO, Duration.ZERO, 0, 0, 0, 0);
    }

    public MockOptions withReply(String reply) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, errorRate, rateLimitRate, cutRate, garbageRate);
    }

    public MockOptions withTokenDelay(Duration tokenDelay) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, errorRate, rateLimitRate, cutRate, garbageRate);
    }

    public MockOptions withFirstByteDelay(Duration firstByteDelay) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, errorRate, rateLimitRate, cutRate, garbageRate);
    }

    public MockOptions withErrorRate(double errorRate) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, errorRate, rateLimitRate, cutRate, garbageRate);
    }

    public MockOptions withRateLimitRate(double rateLimitRate) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, errorRate, rateLimitRate, cutRate, garbageRate);
    }

    public MockOptions withCutRate(double cutRate) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, errorRate, rateLimitRate, cutRate, garbageRate);
    }

    public MockOptions withGarbageRate(double garbageRate) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, errorRate, rateLimitRate, cutRate, garbageRate);
    }
}
