package gateway.mock;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * llama-server's slots ({@code -np N}): at most N requests generate at once, and the
 * others wait their turn, first come first served, before their first byte (llama.cpp
 * defers a task while every slot is busy). A gateway that balances load must see this
 * queueing, so the mock has it too. With no limit, it only counts.
 *
 * <p>A slot is given back when its holder's {@code try} ends, however the request ended. The
 * JDK's server does not tell a handler that its client has left until a write fails, so a
 * request whose client left while waiting still takes its turn; it then fails at its first
 * write and gives the slot back: it delays the queue behind it, but never leaks a slot.
 */
final class SlotGate {
    private final Semaphore free;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger generating = new AtomicInteger();
    private final AtomicInteger maxGenerating = new AtomicInteger();

    /** @param slots at most this many at once; 0: no limit */
    SlotGate(int slots) {
        // Fair: permits go to waiting threads in the order they asked, as llama.cpp's deferred queue.
        this.free = slots == 0 ? null : new Semaphore(slots, true);
    }

    /** Waits for a free slot; the mock closing interrupts the wait. */
    Slot acquire() throws InterruptedException {
        waiting.incrementAndGet();
        try {
            if (free != null) {
                free.acquire();
            }
        } finally {
            waiting.decrementAndGet();
        }
        maxGenerating.accumulateAndGet(generating.incrementAndGet(), Math::max);
        return new Slot();
    }

    int waiting() {
        return waiting.get();
    }

    int generating() {
        return generating.get();
    }

    int maxGenerating() {
        return maxGenerating.get();
    }

    /** A held slot, given back by the {@code try} that took it. */
    final class Slot implements AutoCloseable {
        private Slot() {
        }

        @Override
        public void close() {
            // Counted out before the permit is given back, so generating never exceeds the slots.
            generating.decrementAndGet();
            if (free != null) {
                free.release();
            }
        }
    }
}
