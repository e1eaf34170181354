package gateway.route;

import gateway.openai.ModelRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which backend most likely still holds a prompt in its KV cache, as the gateway can tell
 * without asking: the prompt is cut into blocks of {@link #BLOCK_CHARS} characters, each
 * block's hash chained to the one before (so a match of block i means blocks 0..i all
 * matched), and each backend keeps the hashes of the blocks it was recently sent, in an
 * LRU of {@link #BLOCKS_PER_BACKEND}. A backend's score for a prompt is its number of
 * leading blocks found there. This is the approximate index of llm-d's prefix-cache scorer
 * (see ROUTING.md); only whole blocks count, so a short prompt scores 0 everywhere.
 */
final class PrefixIndex {
    /** Characters per block: about 16 tokens, the granularity of llama.cpp's and vLLM's caches. */
    static final int BLOCK_CHARS = 64;
    /**
     * Blocks remembered per backend: about the KV cache of an 8B model on an 80 GB GPU
     * (llm-d's default). A server with a smaller cache forgets sooner than the index does,
     * which costs only a few misrouted requests.
     */
    static final int BLOCKS_PER_BACKEND = 31_250;

    private final Map<Backend, Blocks> recent = new ConcurrentHashMap<>();

    /** The chained hashes of a request's whole blocks, over its turns as rendered by {@link #render}. */
    static long[] hashes(ModelRequest request) {
        String prompt = render(request);
        long[] hashes = new long[prompt.length() / BLOCK_CHARS];
        long hash = 0xcbf29ce484222325L; // FNV-1a's offset basis
        for (int block = 0; block < hashes.length; block++) {
            for (int i = block * BLOCK_CHARS, end = i + BLOCK_CHARS; i < end; i++) {
                hash = (hash ^ prompt.charAt(i)) * 0x100000001b3L; // FNV-1a's prime
            }
            hashes[block] = hash; // the next block goes on from this one: the chain
        }
        return hashes;
    }

    /**
     * The prompt as the model sees it, near enough: each turn's role and text in order.
     * Chat templates differ between servers, but a conversation's next turn starts with the
     * same messages, so it starts with the same rendering, which is all a prefix match needs.
     */
    static String render(ModelRequest request) {
        var text = new StringBuilder();
        for (ModelRequest.Turn turn : request.turns()) {
            text.append(turn.role()).append('\n').append(turn.text()).append('\n');
        }
        return text.toString();
    }

    /** How many of {@code hashes}, from the first, {@code backend} was recently sent. */
    int matched(Backend backend, long[] hashes) {
        Blocks blocks = recent.get(backend);
        return blocks == null ? 0 : blocks.leading(hashes);
    }

    /** Notes that {@code backend} was sent these blocks, and so now holds them in its cache. */
    void record(Backend backend, long[] hashes) {
        if (hashes.length > 0) {
            recent.computeIfAbsent(backend, b -> new Blocks()).add(hashes);
        }
    }

    /** One backend's recent blocks, least recently sent first out. */
    private static final class Blocks {
        private final LinkedHashMap<Long, Boolean> lru = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > BLOCKS_PER_BACKEND;
            }
        };

        synchronized int leading(long[] hashes) {
            int n = 0;
            while (n < hashes.length && lru.containsKey(hashes[n])) {
                n++;
            }
            return n;
        }

        synchronized void add(long[] hashes) {
            for (long hash : hashes) {
                lru.put(hash, Boolean.TRUE);
            }
        }
    }
}
