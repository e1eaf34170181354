package gateway.openai;

import gateway.http.ApiError;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A request for a model that has passed the gateway's checks: a chat, a text completion,
 * an embedding or a response ({@link Operation}).
 *
 * @param operation    what is asked for, and so where it goes and how it is answered
 * @param id           the request id: the reply's {@code id}
 * @param model        the model asked for (or the default), or {@code null} when neither
 *                     names one and the backend is left to choose
 * @param stream       whether the client asked for Server-Sent Events
 * @param includeUsage whether the client asked for a usage chunk at the end of a stream
 * @param body         the request as the client sent it, every field kept, to forward
 * @param bytes        the same, byte for byte: forwarded as is when the gateway has nothing to add
 */
public record ModelRequest(Operation operation, String id, String model, boolean stream, boolean includeUsage,
        JsonObject body, byte[] bytes) {

    /**
     * The limits a request is checked against.
     *
     * @param maxTokens   the largest {@code max_tokens} accepted (MAX_TOKENS_LIMIT)
     * @param maxMessages the most messages, prompts or input items accepted (MAX_MESSAGES)
     */
    public record Limits(int maxTokens, int maxMessages) {}

    /**
     * One turn of the conversation a request holds, as text.
     *
     * @param role who said it: {@code user}, {@code system}, {@code assistant}, …
     * @param text what was said, its text parts joined
     */
    public record Turn(String role, String text) {}

    /**
     * {@return a chat request, parsed and checked} {@link #parse(Operation, byte[], String, String, Limits)}
     * for {@link Operation#CHAT}.
     *
     * @param bytes        the body, JSON in UTF-8
     * @param id           the request id
     * @param defaultModel the model when the body names none; empty for none
     * @param limits       the limits it is checked against
     * @throws ApiError 400 when the body is not a chat request the gateway can serve
     */
    public static ModelRequest parse(byte[] bytes, String id, String defaultModel, Limits limits) {
        return parse(Operation.CHAT, bytes, id, defaultModel, limits);
    }

    /**
     * Parses a request body and checks it against the operation's rules.
     *
     * @param operation    what the body asks for: the route it came by
     * @param bytes        the body, JSON in UTF-8
     * @param id           the request id
     * @param defaultModel the model when the body names none; empty for none
     * @param limits       the limits it is checked against
     * @return the checked request
     * @throws ApiError 400 when the body is not a request the gateway can serve
     */
    public static ModelRequest parse(Operation operation, byte[] bytes, String id, String defaultModel, Limits limits) {
        JsonValue parsed;
        try {
            parsed = Json.parse(bytes);
        } catch (JsonException e) {
            throw ApiError.invalidRequest("invalid_json", null, "The request body is not valid JSON: " + e.getMessage() + ".");
        }
        if (!(parsed instanceof JsonObject body)) {
            throw ApiError.invalidRequest("invalid_request", null, "The request body must be a JSON object.");
        }
        switch (operation) {
            case CHAT -> ChatChecks.check(body, limits);
            case COMPLETION -> CompletionChecks.check(body, limits);
            case EMBEDDING -> EmbeddingChecks.check(body);
            case RESPONSE -> ResponseChecks.check(body, limits);
        }
        String model = body.string("model").orElse(defaultModel.isEmpty() ? null : defaultModel);
        boolean stream = body.get("stream") == JsonBoolean.TRUE;
        boolean includeUsage = stream && body.object("stream_options")
                .map(options -> options.get("include_usage") == JsonBoolean.TRUE).orElse(false);
        return new ModelRequest(operation, id, model, stream, includeUsage, body, bytes);
    }

    /**
     * {@return the same request for another model (an alias resolved)} It is forwarded with that name.
     *
     * @param model the model's name
     */
    public ModelRequest withModel(String model) {
        return new ModelRequest(operation, id, model, stream, includeUsage, body, bytes);
    }

    /** {@return a chat's messages, each an object with a role (checked by {@link #parse}); empty for the other operations} */
    public JsonArray messages() {
        return body.array("messages").orElse(JsonArray.of());
    }

    /**
     * {@return the texts a text completion continues or an embedding encodes, one per item of its
     * {@code prompt} or {@code input}} Token ids are written out as numbers. For a chat or a
     * response: its {@link #prompt()}.
     */
    public List<String> inputs() {
        return switch (operation) {
            case COMPLETION -> Inputs.texts(body.get("prompt"));
            case EMBEDDING -> Inputs.texts(body.get("input"));
            case CHAT, RESPONSE -> List.of(prompt());
        };
    }

    /**
     * {@return the conversation as text, in order} It is what the gateway itself makes of a
     * request (echo, estimates, prefix routing, prompt APIs): a chat's messages; a response's
     * instructions (as {@code system}) and input messages; each input of the others as a
     * {@code user} turn.
     */
    public List<Turn> turns() {
        var turns = new ArrayList<Turn>();
        switch (operation) {
            case CHAT -> messages().values().forEach(m -> turns.add(turnOf((JsonObject) m)));
            case RESPONSE -> {
                body.string("instructions").ifPresent(text -> turns.add(new Turn("system", text)));
                JsonValue input = body.get("input");
                if (input instanceof JsonString s) {
                    turns.add(new Turn("user", s.value()));
                } else if (input instanceof JsonArray items) {
                    items.values().stream().map(JsonObject.class::cast).filter(item -> item.has("role"))
                            .forEach(item -> turns.add(turnOf(item)));
                }
            }
            case COMPLETION, EMBEDDING -> inputs().forEach(text -> turns.add(new Turn("user", text)));
        }
        return turns;
    }

    /** {@return the text of the last {@code user} turn ({@code ""} when there is none): what an echo answers} */
    public String prompt() {
        List<Turn> turns = turns();
        for (int i = turns.size() - 1; i >= 0; i--) {
            if (turns.get(i).role().equals("user")) {
                return turns.get(i).text();
            }
        }
        return "";
    }

    /** {@return the characters of every turn: what a token estimate counts} */
    public long promptCharacters() {
        return turns().stream().mapToLong(turn -> turn.text().length()).sum();
    }

    private static Turn turnOf(JsonObject message) {
        return new Turn(message.string("role").orElse("user"), textOf(message.get("content")));
    }

    /**
     * {@return a message's text: the string itself, or the {@code text} parts of a content array joined by newlines}
     *
     * @param content a message's {@code content}
     */
    public static String textOf(JsonValue content) {
        if (content instanceof JsonString s) {
            return s.value();
        }
        var text = new StringBuilder();
        if (content instanceof JsonArray parts) {
            for (JsonValue part : parts.values()) {
                if (part instanceof JsonObject p && p.string("text").isPresent()) {
                    text.append(text.isEmpty() ? "" : "\n").append(p.string("text").get());
                }
            }
        }
        return text.toString();
    }
}
