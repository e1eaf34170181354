import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The text the routing benchmark sends: made up, but shaped like chat traffic, and the same
 * in every run (each piece comes from its own seed). Sizes are in characters; the mock
 * backend counts a token per 4 characters of "role\ntext\n", as BPE tokenizers roughly do
 * on English, and caches whole blocks of 16 tokens (64 characters).
 */
final class Prompts {
    /**
     * About 500 tokens: an assistant's system prompt (instructions, tone, a few tool
     * descriptions) is commonly 300 to 1,500 tokens. It is the same for every conversation,
     * so every backend ends up caching it whatever the policy: that part of the prompt can
     * only flatter round robin, never prefix affinity.
     */
    static final int SYSTEM_CHARS = 2_000;
    /** About 50 tokens: a chat user's message of two or three sentences. */
    static final int USER_CHARS = 200;
    /**
     * About 1,000 tokens: one document (a manual page, a contract) that every request of the
     * hot-prefix load asks about. Long enough that every backend's best match is the same
     * 62 blocks, so affinity alone would send everything to one backend.
     */
    static final int DOCUMENT_CHARS = 4_000;
    /** About 15 tokens: a short question about the document, different in every request. */
    static final int QUESTION_CHARS = 60;

    /** A chat message, as OpenAI's {@code messages} array holds it. */
    record Message(String role, String content) {
    }

    private static final String[] WORDS = ("the a of to and in is for on with as by at from that this it be are was "
            + "answer backend cache client data error field gateway history index key limit model node order "
            + "prompt query reply server stream token user value window agent budget context detail example "
            + "format guide instruction language memory number policy question request response summary table "
            + "always never only first last next short long clear careful polite brief exact honest useful").split(" ");

    static final String SYSTEM = text(1, SYSTEM_CHARS);
    static final String DOCUMENT = text(2, DOCUMENT_CHARS);

    private Prompts() {
    }

    /**
     * The user's message at {@code turn} of {@code conversation}. It starts with the
     * conversation's number, so two conversations part ways right after the system prompt.
     */
    static String userMessage(int conversation, int turn) {
        String head = "Conversation " + conversation + ", turn " + (turn + 1) + ": ";
        return head + text(1_000_000L * (conversation + 1) + turn, USER_CHARS - head.length());
    }

    /** The question of the hot-prefix load's request number {@code n}. */
    static String question(int n) {
        String head = "Question " + n + ": ";
        return head + text(-1L - n, QUESTION_CHARS - head.length());
    }

    /** Words drawn with a seed until exactly {@code chars} characters, ending in a full stop. */
    static String text(long seed, int chars) {
        var random = new SplittableRandom(seed);
        var text = new StringBuilder(chars + 16);
        while (text.length() < chars) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        text.setLength(chars - 1);
        return text.append('.').toString();
    }

    /** A streamed chat request for {@code messages}, asking for the usage chunk as the benchmark's clients would. */
    static String streamedRequest(List<Message> messages) {
        var array = new ArrayList<JsonValue>();
        for (Message m : messages) {
            array.add(JsonObject.builder().put("role", m.role()).put("content", m.content()).build());
        }
        return JsonObject.builder()
                .put("model", "mock-model")
                .put("stream", true)
                .put("stream_options", JsonObject.builder().put("include_usage", true).build())
                .put("messages", new JsonArray(array))
                .build().toJson();
    }
}
