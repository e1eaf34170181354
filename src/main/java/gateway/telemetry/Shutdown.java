package gateway.telemetry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The exporter's close as its thread sees it: whether it has begun, the deadline it must
 * keep, and the retry waits it cuts short. Before it begins there is no deadline.
 */
final class Shutdown {
    private boolean begun; // guarded by this
    private long deadlineNanos; // guarded by this; System.nanoTime() based

    /** Begins the shutdown, to be done by {@code deadlineNanos}; false when it had begun already. */
    synchronized boolean begin(long deadlineNanos) {
        if (begun) {
            return false;
        }
        begun = true;
        this.deadlineNanos = deadlineNanos;
        notifyAll(); // a retry's wait must now be measured against the deadline
        return true;
    }

    synchronized boolean begun() {
        return begun;
    }

    /** The time left before the deadline; {@code Long.MAX_VALUE} before the shutdown begins. */
    synchronized long remainingNanos() {
        return begun ? deadlineNanos - System.nanoTime() : Long.MAX_VALUE;
    }

    /**
     * Waits out a retry's delay. False, at once, when the wait would end past the deadline (also
     * when the shutdown begins during it), so that the export is given up instead.
     */
    synchronized boolean pause(Duration delay) throws InterruptedException {
        long until = System.nanoTime() + delay.toNanos();
        for (long left = delay.toNanos(); left > 0; left = until - System.nanoTime()) {
            if (begun && left >= deadlineNanos - System.nanoTime()) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left); // woken early only by begin()
        }
        return true;
    }
}
