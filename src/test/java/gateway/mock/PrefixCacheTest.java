package gateway.mock;

import static gateway.mock.MockHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import gateway.json.JsonObject;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulated prefix cache, reported as llama.cpp reports it. A prompt is its messages
 * rendered as "role\ntext\n", 4 characters a token, cached in blocks of 16 tokens (64 characters).
 */
class PrefixCacheTest {
    static final String SYSTEM = "You are a careful assistant. Answer in one short sentence, and name the spec you rely on. "
            .repeat(3).strip(); // 269 characters
    // "system\n" + 269 + "\nuser\n" + 23 + "\n": 306 characters, 77 tokens, 4 whole blocks.
    static final String TURN_1 = MockHttp.chat("system", SYSTEM, "user", "What is a prefix cache?");
    // The same, then "assistant\nMock\nuser\nAnd why does it matter?\n": 350 characters, 88 tokens.
    static final String TURN_2 = MockHttp.chat("system", SYSTEM, "user", "What is a prefix cache?",
            "assistant", "Mock", "user", "And why does it matter?");

    static MockBackend cached(int tokens) {
        return MockHttp.start(MockOptions.builder().cacheTokens(tokens).build());
    }

    static URI chat(MockBackend mock) {
        return mock.uri().resolve("/v1/chat/completions");
    }

    /** The reply's {@code timings} without {@code predicted_ms}, which is measured. */
    static String timings(JsonObject reply) {
        return reply.object("timings").orElseThrow().toBuilder().remove("predicted_ms").build().toJson();
    }

    static String timings(MockBackend mock, String request) {
        return timings(json(MockHttp.post(chat(mock), request)));
    }

    @Test
    void aConversationsNextTurnFindsItsPreviousTurnInTheCache() {
        try (var mock = cached(4096)) {
            JsonObject first = json(MockHttp.post(chat(mock), TURN_1));
            assertEquals("{\"prompt_n\":77,\"cache_n\":0,\"prompt_ms\":0,\"predicted_n\":1}", timings(first));
            assertEquals("{\"prompt_tokens\":77,\"completion_tokens\":1,\"total_tokens\":78,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":0}}", first.get("usage").toJson());

            JsonObject second = json(MockHttp.post(chat(mock), TURN_2));
            assertEquals("{\"prompt_n\":8,\"cache_n\":80,\"prompt_ms\":0,\"predicted_n\":1}", timings(second),
                    "the first turn and its reply, kept as llama.cpp keeps what it generated: 321 characters, 5 whole blocks");
            assertEquals("{\"prompt_tokens\":88,\"completion_tokens\":1,\"total_tokens\":89,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":80}}", second.get("usage").toJson());

            assertEquals(77 + 88, mock.promptTokens());
            assertEquals(80, mock.cachedTokens());
            assertEquals("{\"requests\":2,\"prompt_tokens\":165,\"cached_tokens\":80,\"max_generating\":1}",
                    MockHttp.get(mock.uri().resolve("/mock/stats")).body());
        }
    }

    @Test
    void anotherConversationFindsNothing() {
        try (var mock = cached(4096)) {
            MockHttp.post(chat(mock), TURN_1);
            String other = MockHttp.chat("system", "Be terse. " + SYSTEM, "user", "What is a prefix cache?");
            assertEquals("{\"prompt_n\":79,\"cache_n\":0,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, other),
                    "its first block differs, so no block matches: each hash is chained to the one before");
        }
    }

    @Test
    void aBlockCountsOnlyAfterTheBlocksThatCameBeforeIt() {
        // Rendered, each is one 64-character block ("user\n" and 59 characters), a second one, and "end\n".
        String x = "x".repeat(59);
        String y = "y".repeat(64);
        try (var mock = cached(4096)) {
            MockHttp.post(chat(mock), MockHttp.chat("user", x + "q".repeat(64) + "end"));
            MockHttp.post(chat(mock), MockHttp.chat("user", "z".repeat(59) + y + "end"));
            assertEquals("{\"prompt_n\":17,\"cache_n\":16,\"prompt_ms\":0,\"predicted_n\":1}",
                    timings(mock, MockHttp.chat("user", x + y + "end")),
                    "its y block is cached, but after a z block: only its x block counts");
        }
    }

    @Test
    void theLastPromptTokenIsAlwaysComputedAgain() {
        String twoBlocks = MockHttp.chat("user", "x".repeat(122)); // "user\n" + 122 + "\n": 128 characters, 32 tokens
        try (var mock = cached(4096)) {
            assertEquals("{\"prompt_n\":32,\"cache_n\":0,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, twoBlocks));
            assertEquals("{\"prompt_n\":1,\"cache_n\":31,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, twoBlocks),
                    "both blocks are cached, yet the last token is processed to get the next one's logits");
        }
    }

    @Test
    void theLeastRecentlyUsedBlocksAreEvictedFirst() {
        // Each: "user\n" + 144 + "\n" = 150 characters, 38 tokens, 2 whole blocks. The cache holds 4 blocks.
        String a = MockHttp.chat("user", "a".repeat(144));
        String b = MockHttp.chat("user", "b".repeat(144));
        String c = MockHttp.chat("user", "c".repeat(144));
        try (var mock = cached(64)) {
            for (String first : List.of(a, b)) {
                assertEquals("{\"prompt_n\":38,\"cache_n\":0,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, first));
            }
            assertEquals("{\"prompt_n\":6,\"cache_n\":32,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, a),
                    "a is used again: b's blocks are now the least recently used");
            assertEquals("{\"prompt_n\":38,\"cache_n\":0,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, c));
            assertEquals("{\"prompt_n\":6,\"cache_n\":32,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, a),
                    "c took b's place, not a's, although a came first");
            assertEquals("{\"prompt_n\":38,\"cache_n\":0,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, b));
        }
    }

    @Test
    void aPromptsFirstBlocksAreEvictedAfterItsLast() {
        String a = MockHttp.chat("user", "a".repeat(144)); // 2 whole blocks each, as above; the cache holds 3
        String b = MockHttp.chat("user", "b".repeat(144));
        try (var mock = cached(48)) {
            MockHttp.post(chat(mock), a);
            MockHttp.post(chat(mock), b);
            assertEquals("{\"prompt_n\":22,\"cache_n\":16,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, a),
                    "b took the place of a's second block, the one other prompts are least likely to share");
        }
    }

    @Test
    void aStreamReportsTimingsInItsLastChunkAndCachedTokensInItsUsage() {
        String stream = "{\"stream\":true,\"stream_options\":{\"include_usage\":true}," + TURN_2.substring(1);
        try (var mock = MockHttp.start(MockOptions.builder().cacheTokens(4096).reply("a b c").build())) {
            MockHttp.post(chat(mock), TURN_1);
            List<String> data = MockHttp.dataLines(MockHttp.post(chat(mock), stream).body());
            assertEquals(6, data.size(), "three words, the finishing chunk, the usage chunk, [DONE]: " + data);
            data.subList(0, 3).forEach(chunk -> assertFalse(json(chunk).has("timings"), chunk));
            JsonObject finish = json(data.get(3));
            assertEquals("stop", ((JsonObject) finish.array("choices").orElseThrow().get(0)).string("finish_reason").orElseThrow());
            assertEquals("{\"prompt_n\":24,\"cache_n\":64,\"prompt_ms\":0,\"predicted_n\":3}", timings(finish));
            assertEquals("{\"prompt_tokens\":88,\"completion_tokens\":3,\"total_tokens\":91,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":64}}", json(data.get(4)).get("usage").toJson());
            assertEquals("[DONE]", data.get(5));
        }
    }

    @Test
    void withoutACacheEveryPromptIsProcessedWhole() {
        try (var mock = cached(0)) {
            for (int i = 0; i < 2; i++) {
                assertEquals("{\"prompt_n\":77,\"cache_n\":0,\"prompt_ms\":0,\"predicted_n\":1}", timings(mock, TURN_1));
            }
            assertEquals(0, mock.cachedTokens());
        }
    }
}
