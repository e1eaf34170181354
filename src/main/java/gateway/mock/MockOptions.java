package gateway.mock;

import java.time.Duration;

/**
 * How a {@link MockBackend} answers.
 *
 * @param reply          the assistant's text
 * @param model          the model it lists and names when a request names none
 * @param tokenDelay     the pause between streamed words
 * @param firstByteDelay the pause before answering at all (to provoke timeouts)
 * @param failStatus     when not 0, every chat request fails with this status
 */
public record MockOptions(String reply, String model, Duration tokenDelay, Duration firstByteDelay, int failStatus) {

    public static MockOptions defaults() {
        return new MockOptions("Mock", "mock-model", Duration.ZERO, Duration.ZERO, 0);
    }

    public MockOptions withReply(String reply) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, failStatus);
    }

    public MockOptions withTokenDelay(Duration tokenDelay) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, failStatus);
    }

    public MockOptions withFirstByteDelay(Duration firstByteDelay) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, failStatus);
    }

    public MockOptions withFailStatus(int failStatus) {
        return new MockOptions(reply, model, tokenDelay, firstByteDelay, failStatus);
    }
}
