package gateway.access;

import gateway.http.ApiError;
import gateway.http.Router.Handler;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * How many requests a route serves at once: one more is answered at once with 503
 * {@code overloaded} and {@code Retry-After}, which the OpenAI SDKs retry, instead of
 * being let in to exhaust the heap. Every request in flight holds its connection's
 * buffers, a virtual thread's stack and a backend connection until its last byte: an
 * open stream holds 63 to 68 KiB of heap, of which the JDK's HTTP server and client
 * alone, without the gateway, hold 57 (measured by {@code scripts/bench.sh}).
 */
public final class InFlightLimit {
    /**
     * Heap budgeted per request in flight when the limit is derived from the heap: what an
     * open stream holds, and 15% more. So {@code scripts/run.sh}'s {@code -Xmx376m} serves
     * 5,066 at once: 5,000 streams fit, in 492 to 508 MiB resident. At 128 KiB (twice
     * a stream) it turned 2,000 of them away while a third of the heap stayed unused.
     */
    static final long HEAP_PER_REQUEST = 76 * 1024;

    private final IntSupplier limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param limit asked at each request, so that a reload can change it: a lower limit turns
     *              new requests away until those already let in, which all finish, are fewer
     */
    public InFlightLimit(IntSupplier limit) {
        this.limit = limit;
    }

    /** The limit that fits a heap of {@code maxHeapBytes} ({@link Runtime#maxMemory()}): 5,066 for 376 MiB. */
    public static int forHeap(long maxHeapBytes) {
        return (int) Math.clamp(maxHeapBytes / HEAP_PER_REQUEST, 16, 1_000_000);
    }

    public Handler guard(Handler next) {
        return exchange -> {
            enter(limit.getAsInt());
            try {
                next.handle(exchange);
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    /**
     * Counts one more request in flight, unless {@code max} already are. Compared and set,
     * not added then checked: a request turned away never counts, even for a moment.
     */
    private void enter(int max) {
        int now;
        do {
            now = inFlight.get();
            if (now >= max) {
                throw ApiError.overloaded(max);
            }
        } while (!inFlight.compareAndSet(now, now + 1));
    }
}
