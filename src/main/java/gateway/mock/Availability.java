package gateway.mock;

import java.time.Duration;

/**
 * Whether the mock takes chats now. A server that is still loading its model answers 503
 * "Loading model" (llama.cpp does so on {@code /health} and on every other route), and one
 * shedding load answers 503 with {@code Retry-After}: a router must tell both from a dead
 * backend, and wait.
 */
final class Availability {
    private volatile boolean loading;
    /** The {@link System#nanoTime()} at which the start's loading time ends. */
    private volatile long loadedAt;
    private volatile Duration cooldown = Duration.ZERO;

    /** @param loading how long the model loads, from now */
    Availability(Duration loading) {
        this.loadedAt = System.nanoTime() + loading.toNanos();
    }

    boolean loading() {
        return loading || System.nanoTime() - loadedAt < 0;
    }

    /** Ending loading also ends the start's loading time. */
    void loading(boolean loading) {
        this.loading = loading;
        if (!loading) {
            loadedAt = System.nanoTime();
        }
    }

    /** Zero unless chats are refused, then what {@code Retry-After} should say. */
    Duration cooldown() {
        return cooldown;
    }

    void cooldown(Duration retryAfter) {
        this.cooldown = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
    }

    /** {@code Retry-After} takes whole seconds (RFC 9110 section 10.2.3): rounded up, so a client never comes back early. */
    String retryAfterSeconds() {
        return Long.toString((cooldown.toMillis() + 999) / 1000);
    }
}
