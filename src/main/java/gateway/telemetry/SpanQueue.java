package gateway.telemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The requests' spans waiting to be exported, bounded in spans (not in requests: the
 * capacity is {@code OTEL_BSP_MAX_QUEUE_SIZE}, a number of spans, and a request may leave
 * several). Request threads add; the exporter's one thread takes batches.
 *
 * <p>One lock guards the queue and is held only to add or take a few entries, so an
 * {@link #offer} never waits for an export. The exporter's thread waits on a condition
 * that an offer signals only when the queue's next deadline changes: when it stops being
 * empty (a delay starts) and when a batch fills up.
 */
final class SpanQueue {
    /** A request's spans in the queue, with their count and the time they came. */
    record Queued(SpanSource source, int spans, long arrivedNanos) {
    }

    private final int capacity;
    private final int batchSize;
    private final long delayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    private int spans;
    private boolean closed;

    SpanQueue(int capacity, int batchSize, long delayNanos) {
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.delayNanos = delayNanos;
    }

    /** Adds a request's {@code count} spans; false, leaving the queue as it was, when full or closed. */
    boolean offer(SpanSource source, int count) {
        long now = System.nanoTime(); // read before the lock, to hold it for less
        lock.lock();
        try {
            if (closed || count > capacity - spans) {
                return false;
            }
            boolean deadlineChanges = queued.isEmpty() || spans < batchSize && spans + count >= batchSize;
            queued.add(new Queued(source, count, now));
            spans += count;
            if (deadlineChanges) {
                changed.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a batch is due ({@code batchSize} spans wait, or the oldest has waited the
     * delay) and takes it; or returns nothing at {@code wakeAt} ({@link System#nanoTime()}) or
     * when the queue is closed.
     */
    List<Queued> awaitBatch(long wakeAt) throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                if (batchDue(now)) {
                    return take();
                }
                long wait = wakeAt - now;
                if (!queued.isEmpty()) {
                    wait = Math.min(wait, queued.peek().arrivedNanos() + delayNanos - now);
                }
                if (wait <= 0) {
                    return List.of();
                }
                changed.awaitNanos(wait);
            }
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    private boolean batchDue(long now) {
        return spans >= batchSize || !queued.isEmpty() && now - queued.peek().arrivedNanos() >= delayNanos;
    }

    /**
     * Takes the oldest requests' spans, {@code batchSize} at most (but always one request,
     * even one with more spans), without waiting; nothing when the queue is empty.
     */
    List<Queued> take() {
        lock.lock();
        try {
            var batch = new ArrayList<Queued>();
            int taken = 0;
            while (!queued.isEmpty() && (batch.isEmpty() || taken + queued.peek().spans() <= batchSize)) {
                Queued next = queued.poll();
                batch.add(next);
                taken += next.spans();
            }
            spans -= taken;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses further offers and wakes the exporter's thread. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Empties the queue; returns how many spans it held. */
    int clear() {
        lock.lock();
        try {
            int dropped = spans;
            queued.clear();
            spans = 0;
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
