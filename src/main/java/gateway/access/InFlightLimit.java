package gateway.access;

import gateway.http.ApiError;
import gateway.http.Router.Handler;
import java.util.concurrent.Semaphore;

/**
 * How many requests a route serves at once: one more is answered at once with 503
 * {@code overloaded} and {@code Retry-After}, which the OpenAI SDKs retry, instead of
 * being let in to exhaust the heap. Every request in flight holds its connection's
 * buffers, a virtual thread's stack and a backend connection until its last byte: an
 * open stream holds about 63 KiB of heap, of which the JDK's HTTP server and client
 * alone, without the gateway, hold 57 (measured by {@code scripts/bench.sh}).
 */
public final class InFlightLimit {
    /** Heap budgeted per request in flight when the limit is derived from the heap: twice what a stream holds. */
    static final long HEAP_PER_REQUEST = 128 * 1024;

    private final Semaphore permits;
    private final int limit;

    public InFlightLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** The limit that fits a heap of {@code maxHeapBytes} ({@link Runtime#maxMemory()}): 2,048 for 256 MiB. */
    public static int forHeap(long maxHeapBytes) {
        return (int) Math.clamp(maxHeapBytes / HEAP_PER_REQUEST, 16, 1_000_000);
    }

    public Handler guard(Handler next) {
        return exchange -> {
            if (!permits.tryAcquire()) {
                throw ApiError.overloaded(limit);
            }
            try {
                next.handle(exchange);
            } finally {
                permits.release();
            }
        };
    }
}
