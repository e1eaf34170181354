package gateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairQueueTest {
    @Test
    void callersAreServedInTurnEachInOrderOfArrival() {
        var queue = new FairQueue<String>();
        for (int i = 1; i <= 5; i++) {
            queue.add("big", "big-" + i);
        }
        queue.add("small", "small-1");
        queue.add("small", "small-2");
        assertEquals(7, queue.size());
        List<String> served = new ArrayList<>();
        for (int slot = 0; slot < 7; slot++) {
            int[] left = {1}; // one free slot at a time, as when requests end one by one
            queue.serve(item -> left[0]-- > 0 && served.add(item));
        }
        assertEquals(List.of("big-1", "small-1", "big-2", "small-2", "big-3", "big-4", "big-5"), served);
        assertEquals(0, queue.size());
    }

    @Test
    void anItemThatCannotBePlacedLetsTheNextOneOfItsCallerGo() {
        var queue = new FairQueue<String>();
        queue.add("a", "a-full-pool");
        queue.add("a", "a-free-pool");
        List<String> served = new ArrayList<>();
        queue.serve(item -> item.endsWith("free-pool") && served.add(item));
        assertEquals(List.of("a-free-pool"), served);
        assertEquals(1, queue.size());
    }

    @Test
    void removedItemsLeaveAtOnce() {
        var queue = new FairQueue<String>();
        queue.add("a", "x");
        queue.add("a", "y");
        queue.remove("a", "x");
        queue.remove("a", "absent");
        assertEquals(1, queue.size());
        List<String> served = new ArrayList<>();
        queue.serve(served::add);
        assertEquals(List.of("y"), served);
    }
}
