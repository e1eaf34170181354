package gateway.mock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the mock simulates of an inference engine, whatever API shape it speaks: slots, a
 * prefix cache, and the prompt processing ("prefill") time that the cache saves. Each
 * request holds a slot from before its prefill until its last byte:
 * <pre>{@code
 * try (Engine.Turn turn = engine.begin(prompt)) {   // waits for a slot, then processes the prompt
 *     ...answer, with turn.prefill()...
 * }}</pre>
 * Time passes by sleeping, which costs a virtual thread nothing.
 */
final class Engine {
    /**
     * One request's prompt processing, as llama.cpp's {@code timings} report it.
     *
     * @param promptTokens every prompt token
     * @param cachedTokens those found in the prefix cache ({@code cache_n})
     * @param promptMs     the time spent on the others
     */
    record Prefill(int promptTokens, int cachedTokens, double promptMs) {
        /** The tokens processed again ({@code prompt_n}). */
        int recomputed() {
            return promptTokens - cachedTokens;
        }
    }

    /** A request's slot, given back on close, and how its prompt was processed. */
    record Turn(SlotGate.Slot slot, Prefill prefill) implements AutoCloseable {
        @Override
        public void close() {
            slot.close();
        }
    }

    private final SlotGate slots;
    private final PrefixCache cache;
    private final Duration prefillPerToken;
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong cachedTokens = new AtomicLong();

    Engine(int slots, MockOptions.Cache cache) {
        this.slots = new SlotGate(slots);
        this.cache = new PrefixCache(cache.tokens());
        this.prefillPerToken = cache.prefillPerToken();
    }

    /** Waits for a slot (the mock closing interrupts the wait), then processes the prompt. */
    Turn begin(PromptText prompt) throws InterruptedException {
        SlotGate.Slot slot = slots.acquire();
        try {
            return new Turn(slot, prefill(prompt));
        } catch (RuntimeException | Error e) {
            slot.close();
            throw e;
        }
    }

    /**
     * Looks the prompt's prefix up in the cache, spends the time the rest takes, then caches
     * all of it. Two requests sharing a prefix at the same time both miss, as on a real
     * server, since neither has stored it yet.
     */
    private Prefill prefill(PromptText prompt) {
        int tokens = prompt.tokens();
        int cached = cache.cachedTokens(prompt);
        Duration time = prefillPerToken.multipliedBy(tokens - cached);
        pause(time);
        cache.store(prompt);
        promptTokens.addAndGet(tokens);
        cachedTokens.addAndGet(cached);
        return new Prefill(tokens, cached, time.toNanos() / 1e6);
    }

    /**
     * Caches the reply after its prompt, as a llama.cpp slot keeps the tokens it generated:
     * the conversation's next turn, which repeats the reply as an assistant message, then
     * finds it cached too.
     */
    void generated(PromptText prompt, String reply) {
        cache.store(prompt.followedBy("assistant", reply));
    }

    SlotGate gate() {
        return slots;
    }

    long promptTokens() {
        return promptTokens.get();
    }

    long cachedTokens() {
        return cachedTokens.get();
    }

    /** The tokens a reply took to generate: the mock generates one word per token, as it streams them. */
    static int completionTokens(String reply) {
        return reply.isBlank() ? 0 : reply.strip().split("\\s+").length;
    }

    /** How the mock lets time pass; an interrupt (the mock closing) ends the pause early. */
    static void pause(Duration time) {
        if (time.isPositive()) {
            try {
                Thread.sleep(time);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
