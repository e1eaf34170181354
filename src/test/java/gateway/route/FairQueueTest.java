package gateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.route.FairQueue.Fit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FairQueueTest {
    /** Serves one slot at a time, as requests end one by one, and says what went. */
    static <T> List<T> serveOneByOne(FairQueue<T> queue, int slots, Function<T, Fit> fit) {
        List<T> served = new ArrayList<>();
        for (int slot = 0; slot < slots; slot++) {
            int[] free = {1};
            queue.serve(item -> free[0] > 0 ? fit.apply(item) : Fit.NONE, item -> {
                free[0]--;
                served.add(item);
            });
        }
        return served;
    }

    @Test
    void callersAreServedInTurnEachInOrderOfArrival() {
        var queue = new FairQueue<String>();
        for (int i = 1; i <= 5; i++) {
            queue.add("big", "big-" + i);
        }
        queue.add("small", "small-1");
        queue.add("small", "small-2");
        assertEquals(7, queue.size());
        assertEquals(List.of("big-1", "small-1", "big-2", "small-2", "big-3", "big-4", "big-5"),
                serveOneByOne(queue, 7, item -> Fit.SOME));
        assertEquals(0, queue.size());
    }

    @Test
    void anItemThatCannotBePlacedLetsTheNextOneOfItsCallerGo() {
        var queue = new FairQueue<String>();
        queue.add("a", "a-full-pool");
        queue.add("a", "a-free-pool");
        assertEquals(List.of("a-free-pool"), serveOneByOne(queue, 1, item -> item.endsWith("free-pool") ? Fit.SOME : Fit.NONE));
        assertEquals(1, queue.size());
    }

    @Test
    void anItemWhoseOwnBackendHasRoomGoesFirstButNoneIsPassedOverMoreThanFourTimes() {
        var queue = new FairQueue<String>();
        queue.add("a", "elsewhere");
        for (int i = 1; i <= 6; i++) {
            queue.add("a", "cached-here-" + i);
        }
        List<String> served = serveOneByOne(queue, 6, item -> item.startsWith("cached-here") ? Fit.BEST : Fit.SOME);
        assertEquals(List.of("cached-here-1", "cached-here-2", "cached-here-3", "cached-here-4", "elsewhere", "cached-here-5"),
                served, "its fifth chance is its own");
    }

    @Test
    void aBetterFitIsLookedForOnlyWithinTheWindow() {
        var queue = new FairQueue<String>();
        for (int i = 1; i <= FairQueue.WINDOW; i++) {
            queue.add("a", "plain-" + i);
        }
        queue.add("a", "cached-here");
        assertEquals(List.of("plain-1"), serveOneByOne(queue, 1, item -> item.startsWith("cached") ? Fit.BEST : Fit.SOME));
    }

    @Test
    void removedItemsLeaveAtOnce() {
        var queue = new FairQueue<String>();
        queue.add("a", "x");
        queue.add("a", "y");
        queue.remove("a", "x");
        queue.remove("a", "absent");
        assertEquals(1, queue.size());
        assertEquals(List.of("y"), serveOneByOne(queue, 1, item -> Fit.SOME));
    }
}
