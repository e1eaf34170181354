package gateway.route;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Requests waiting for a backend's slot, served by caller in turn: a caller with a hundred
 * queued requests takes turns with one that has five instead of going first (round robin
 * over callers, as the Gateway API Inference Extension's flow control serves fairness ids).
 *
 * <p>Within a caller, first come first served, with one exception that keeps caches warm
 * when every slot is busy: when a slot frees, a request among the caller's first
 * {@link #WINDOW} whose own backend it is (its session's, or the one holding its prompt)
 * may go before those ahead of it, each of which may be passed over so at most
 * {@link #MAX_PASSES} times. Without it, a freed slot goes to whoever is first, whose
 * conversation is most likely cached elsewhere, and affinity is lost just when prefill time
 * costs most. Not thread-safe: the {@link Scheduler}'s lock guards it.
 *
 * @param <T> what waits
 */
final class FairQueue<T> {
    /** How far down a caller's queue a request that fits its own backend is looked for. */
    static final int WINDOW = 8;
    /** How often a request may be passed over by a later one that fits better. */
    static final int MAX_PASSES = 4;

    /** How well an item fits the free slots now. */
    enum Fit {
        /** No backend it may use has room. */
        NONE,
        /** A backend it may use has room. */
        SOME,
        /** Its own backend (session, cached prefix) has room. */
        BEST
    }

    private static final class Entry<T> {
        final T item;
        int passes;

        Entry(T item) {
            this.item = item;
        }
    }

    /** Each caller's waiting items; the map's order is the callers' turn order. */
    private final LinkedHashMap<String, ArrayDeque<Entry<T>>> turns = new LinkedHashMap<>();
    private int size;

    void add(String caller, T item) {
        turns.computeIfAbsent(caller, c -> new ArrayDeque<>()).addLast(new Entry<>(item));
        size++;
    }

    /** Takes {@code item} out, when it leaves before its turn (timed out, or its client left). */
    void remove(String caller, T item) {
        ArrayDeque<Entry<T>> entries = turns.get(caller);
        if (entries != null && entries.removeIf(entry -> entry.item == item)) {
            size--;
            if (entries.isEmpty()) {
                turns.remove(caller);
            }
        }
    }

    int size() {
        return size;
    }

    /**
     * Hands waiting items to {@code place} while any fits, callers in turn (a caller served
     * goes to the back of the turn), each caller's in order of arrival but for the
     * exception above. An item placed leaves the queue.
     */
    void serve(Function<T, Fit> fit, Consumer<T> place) {
        String served;
        do {
            served = null;
            for (Map.Entry<String, ArrayDeque<Entry<T>>> caller : turns.entrySet()) {
                Entry<T> chosen = choose(caller.getValue(), fit);
                if (chosen != null) {
                    caller.getValue().remove(chosen);
                    size--;
                    place.accept(chosen.item);
                    served = caller.getKey();
                    break;
                }
            }
            if (served != null) {
                ArrayDeque<Entry<T>> rest = turns.remove(served);
                if (!rest.isEmpty()) {
                    turns.put(served, rest); // to the back of the turn
                }
            }
        } while (served != null && size > 0);
    }

    /**
     * The caller's first item that fits; but if that one's own backend is not the one with
     * room, and it has not been passed over enough, a later one within the window whose own
     * backend it is goes first, and each item it passes that could have gone counts a pass.
     */
    private Entry<T> choose(ArrayDeque<Entry<T>> entries, Function<T, Fit> fit) {
        Entry<T> first = null;
        int position = 0;
        for (Entry<T> entry : entries) {
            if (first != null && position >= WINDOW) {
                break; // beyond the window, nobody goes before the first
            }
            position++;
            Fit f = fit.apply(entry.item);
            if (f == Fit.BEST) {
                return passingOver(entries, entry, fit);
            } else if (f == Fit.SOME && first == null) {
                if (entry.passes >= MAX_PASSES) {
                    return entry; // passed over enough: its turn, wherever the room is
                }
                first = entry;
            }
        }
        return first;
    }

    /** Returns {@code chosen}, counting a pass for each item ahead of it that could have gone instead. */
    private Entry<T> passingOver(ArrayDeque<Entry<T>> entries, Entry<T> chosen, Function<T, Fit> fit) {
        for (Entry<T> entry : entries) {
            if (entry == chosen) {
                break;
            }
            if (fit.apply(entry.item) != Fit.NONE) {
                entry.passes++;
            }
        }
        return chosen;
    }
}
