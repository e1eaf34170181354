package gateway.mock;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A prefix (KV) cache in miniature, as llama.cpp and vLLM keep one: a prompt whose
 * beginning was processed recently need not be processed again, which is what makes
 * prefix-aware routing pay. Only the bookkeeping is simulated, never the tensors.
 *
 * <p>A prompt is cut into blocks of {@value #BLOCK_TOKENS} tokens, and each block is known
 * by a hash chained to the previous block's (as vLLM's block hashes are), so a block found
 * in the cache means that everything before it was found too, and a lookup stops at the
 * first miss. A last, partial block is never cached (vLLM caches full blocks only). The
 * cache holds the most recently used blocks, at most {@code tokens / BLOCK_TOKENS}.
 */
final class PrefixCache {
    /** vLLM's default block size. */
    static final int BLOCK_TOKENS = 16;
    static final int BLOCK_CHARS = BLOCK_TOKENS * PromptText.CHARS_PER_TOKEN;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final int capacity;
    /** Block hashes, least recently used first: {@code accessOrder} moves a block to the end on each put. */
    private final LinkedHashMap<Long, Boolean> blocks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > capacity;
        }
    };

    /** A cache of {@code tokens} tokens; fewer than one block's worth is no cache. */
    PrefixCache(int tokens) {
        this.capacity = tokens / BLOCK_TOKENS;
    }

    /**
     * How many of the prompt's leading tokens are in the cache. Never all of them: a server
     * must compute the last prompt token again to get the logits of the first new one
     * (llama.cpp keeps at most {@code n_prompt - 1}).
     */
    synchronized int cachedTokens(PromptText prompt) {
        long[] hashes = blockHashes(prompt.rendered());
        int found = 0;
        while (found < hashes.length && blocks.containsKey(hashes[found])) {
            found++;
        }
        return Math.max(0, Math.min(found * BLOCK_TOKENS, prompt.tokens() - 1));
    }

    /**
     * Remembers the prompt's blocks once it has been processed. They are put last block
     * first, so that its first blocks, the ones other prompts are likeliest to share (a
     * system prompt, the earlier turns), are the last to be evicted, as vLLM frees a
     * finished request's blocks tail first.
     */
    synchronized void store(PromptText prompt) {
        if (capacity == 0) {
            return;
        }
        long[] hashes = blockHashes(prompt.rendered());
        for (int i = hashes.length - 1; i >= 0; i--) {
            blocks.put(hashes[i], Boolean.TRUE);
        }
    }

    /** FNV-1a over each full block's characters, started from the previous block's hash. */
    private static long[] blockHashes(String text) {
        long[] hashes = new long[text.length() / BLOCK_CHARS];
        long hash = FNV_OFFSET;
        for (int block = 0; block < hashes.length; block++) {
            for (int i = block * BLOCK_CHARS; i < (block + 1) * BLOCK_CHARS; i++) {
                hash = (hash ^ text.charAt(i)) * FNV_PRIME;
            }
            hashes[block] = hash;
        }
        return hashes;
    }
}
