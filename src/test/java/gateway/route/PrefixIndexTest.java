package gateway.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import gateway.openai.ModelRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PrefixIndexTest {
    static final String SYSTEM = "You are a careful assistant. ".repeat(10); // 290 characters: 4 whole blocks with its role

    static ModelRequest request(String... turns) {
        var messages = new StringBuilder("{\"role\":\"system\",\"content\":\"" + SYSTEM + "\"}");
        for (int i = 0; i < turns.length; i++) {
            messages.append(",{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"")
                    .append(turns[i]).append("\"}");
        }
        byte[] body = ("{\"messages\":[" + messages + "]}").getBytes(StandardCharsets.UTF_8);
        return ModelRequest.parse(body, "id", "", new ModelRequest.Limits(100, 100));
    }

    @Test
    void hashesAreChainedOverWholeBlocks() {
        long[] first = PrefixIndex.hashes(request("What is a KV cache? ".repeat(5)));
        long[] next = PrefixIndex.hashes(request("What is a KV cache? ".repeat(5), "It keeps attention keys. ".repeat(4), "And a prefix?"));
        assertEquals(PrefixIndex.render(request("What is a KV cache? ".repeat(5))).length() / PrefixIndex.BLOCK_CHARS, first.length);
        assertArrayEquals(first, Arrays.copyOf(next, first.length), "the next turn starts with the same blocks");
        long[] other = PrefixIndex.hashes(request("Something else entirely. ".repeat(4)));
        assertEquals(first[0], other[0], "the shared system prompt");
        assertNotEquals(first[first.length - 1], other[other.length - 1], "a chain differs after the first difference");
    }

    @Test
    void aBackendMatchesTheLeadingBlocksItWasSent() {
        var index = new PrefixIndex();
        Backend a = BalancerTest.backend("a", 1, 1);
        Backend b = BalancerTest.backend("b", 1, 1);
        long[] turn1 = PrefixIndex.hashes(request("What is a KV cache? ".repeat(5)));
        long[] turn2 = PrefixIndex.hashes(request("What is a KV cache? ".repeat(5), "It keeps attention keys. ".repeat(4), "And?"));
        index.record(a, turn1);
        assertEquals(turn1.length, index.matched(a, turn2));
        assertEquals(0, index.matched(b, turn2));
        assertEquals(0, index.matched(a, new long[] {42, turn1[0]}), "a match must start at the first block");
    }

    @Test
    void eachBackendForgetsItsLeastRecentlySentBlocksFirst() {
        var index = new PrefixIndex();
        Backend a = BalancerTest.backend("a", 1, 1);
        long[] old = {1, 2};
        index.record(a, old);
        long[] many = new long[PrefixIndex.BLOCKS_PER_BACKEND];
        Arrays.setAll(many, i -> 1000 + i);
        index.record(a, many);
        assertEquals(0, index.matched(a, old), "pushed out by newer blocks");
        assertEquals(1, index.matched(a, new long[] {many[many.length - 1]}));
    }
}
