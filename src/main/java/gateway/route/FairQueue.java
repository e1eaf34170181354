package gateway.route;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Requests waiting for a backend's slot, served by caller in turn: a caller with a hundred
 * queued requests takes turns with one that has five instead of going first (round robin
 * over callers, as the Gateway API Inference Extension's flow control serves fairness ids).
 * Within a caller, first come first served. Not thread-safe: the {@link Scheduler}'s lock
 * guards it.
 *
 * @param <T> what waits
 */
final class FairQueue<T> {
    /** Each caller's waiting items; the map's order is the callers' turn order. */
    private final LinkedHashMap<String, ArrayDeque<T>> turns = new LinkedHashMap<>();
    private int size;

    void add(String caller, T item) {
        turns.computeIfAbsent(caller, c -> new ArrayDeque<>()).addLast(item);
        size++;
    }

    /** Takes {@code item} out, when it leaves before its turn (timed out, or its client left). */
    void remove(String caller, T item) {
        ArrayDeque<T> items = turns.get(caller);
        if (items != null && items.remove(item)) {
            size--;
            if (items.isEmpty()) {
                turns.remove(caller);
            }
        }
    }

    int size() {
        return size;
    }

    /**
     * Offers waiting items to {@code place}, callers in turn and each caller's in order of
     * arrival, until none can be placed; an item placed leaves the queue, and its caller
     * goes to the back of the turn.
     */
    void serve(Predicate<T> place) {
        String served;
        do {
            served = null;
            for (Map.Entry<String, ArrayDeque<T>> caller : turns.entrySet()) {
                if (placeOne(caller.getValue(), place)) {
                    served = caller.getKey();
                    break;
                }
            }
            if (served != null) {
                ArrayDeque<T> rest = turns.remove(served);
                if (!rest.isEmpty()) {
                    turns.put(served, rest); // to the back of the turn
                }
            }
        } while (served != null && size > 0);
    }

    private boolean placeOne(ArrayDeque<T> items, Predicate<T> place) {
        for (Iterator<T> it = items.iterator(); it.hasNext(); ) {
            if (place.test(it.next())) {
                it.remove();
                size--;
                return true;
            }
        }
        return false;
    }
}
