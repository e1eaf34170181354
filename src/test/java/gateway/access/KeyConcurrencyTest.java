package gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gateway.http.ApiError;
import gateway.keys.KeyPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Requests in flight per key, held to the key's max_in_flight. */
class KeyConcurrencyTest {
    final KeyConcurrency concurrency = new KeyConcurrency();

    static Caller caller(String id, Long maxInFlight) {
        return new Caller(id, id, new KeyPolicy(null, null, maxInFlight, null, null, null));
    }

    @Test
    void aKeyWithoutALimitMayHaveAnyNumber() {
        var alice = caller("a", null);
        for (int i = 0; i < 10_000; i++) {
            concurrency.enter(alice);
        }
    }

    @Test
    void oneMoreThanTheLimitIsRefusedUntilOneEnds() {
        var alice = caller("a", 2L);
        var first = concurrency.enter(alice);
        var second = concurrency.enter(alice);

        ApiError e = assertThrows(ApiError.class, () -> concurrency.enter(alice));
        assertEquals(429, e.status());
        assertEquals("rate_limit_error", e.type());
        assertEquals("concurrency_limit_exceeded", e.code());
        assertEquals(Map.of("Retry-After", "1"), e.headers());
        assertEquals("This API key may have 2 requests in flight at once. Wait for one to finish.", e.getMessage());

        concurrency.enter(caller("b", 2L)).close(); // keys count apart
        first.close();
        var third = concurrency.enter(alice);
        assertThrows(ApiError.class, () -> concurrency.enter(alice));
        second.close();
        third.close();
        List<KeyConcurrency.Slot> again = List.of(concurrency.enter(alice), concurrency.enter(alice));
        again.forEach(KeyConcurrency.Slot::close);
    }

    @Test
    void aLimitChangedWhileRequestsRunAppliesToTheNextOne() {
        var slot = concurrency.enter(caller("a", 3L));
        concurrency.enter(caller("a", 3L));
        assertThrows(ApiError.class, () -> concurrency.enter(caller("a", 2L)));
        slot.close();
        assertThrows(ApiError.class, () -> concurrency.enter(caller("a", 1L)));
        concurrency.enter(caller("a", 2L));
    }

    @Test
    void manyThreadsAtOnceNeverGetMoreThanTheLimit() throws Exception {
        var alice = caller("a", 4L);
        var admitted = new AtomicInteger();
        var refused = new AtomicInteger();
        var slots = new ConcurrentLinkedQueue<KeyConcurrency.Slot>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(32)) {
            var tasks = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 32; i++) {
                tasks.add(pool.submit(() -> {
                    start.await();
                    try {
                        slots.add(concurrency.enter(alice));
                        admitted.incrementAndGet();
                    } catch (ApiError e) {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var task : tasks) {
                task.get();
            }
        }
        assertEquals(4, admitted.get());
        assertEquals(28, refused.get());
        slots.forEach(KeyConcurrency.Slot::close);
        for (int i = 0; i < 4; i++) {
            concurrency.enter(alice); // all four places free again
        }
    }
}
