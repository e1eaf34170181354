package gateway.worker;

import gateway.chat.ChatRequest;
import gateway.chat.Completions;
import gateway.chat.Usage;
import gateway.config.BackendSettings;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calls a "prompt in, text out" server ({@code BACKEND_<NAME>_KIND=prompt}), the kind of
 * inference API that predates OpenAI's shape, and answers as an OpenAI server would.
 *
 * <p>It posts {@code {"prompt", "system_prompt", "model", "max_new_tokens", "temperature",
 * "top_p"}} to the backend's path, each field only when the request gives it: the prompt
 * is the conversation without its system messages (the one message's text, or a
 * {@code User: … / Assistant: …} transcript), the system prompt those messages. The reply's
 * text is read from the shapes such servers use ({@link #TEXT_FIELDS}), and its token
 * counts from {@code tokensIn}/{@code tokensOut} or a {@code usage} object. Such a server
 * does not stream: a stream request gets the whole reply as one chunk. A 429 that says
 * when to retry in its body ({@code retryAfterMs}) is passed on with {@code Retry-After}.
 */
public final class PromptBackend implements Worker {
    /** Where the reply's text may be, in the order tried. */
    static final List<String> TEXT_FIELDS = List.of("outputText", "choices[0].message.content", "response", "text",
            "generated_text", "output", "completion");

    private final String name;
    private final BackendClient client;
    private final URI uri;
    private final URI baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final String defaultModel;
    private final List<String> models;
    private final BackendErrors errors;

    public PromptBackend(BackendSettings backend, Duration timeout, String defaultModel, BackendClient client) {
        this.name = backend.name();
        this.client = client;
        this.uri = URI.create(backend.url() + backend.path());
        this.baseUrl = backend.url();
        this.apiKey = backend.apiKey();
        this.timeout = timeout;
        this.defaultModel = defaultModel;
        this.models = backend.models();
        this.errors = new BackendErrors(backend, timeout);
    }

    @Override
    public JsonObject complete(ChatRequest request, Call call) {
        BackendClient.Reply reply = client.fetch(post(request, call), errors, call);
        if (!reply.ok()) {
            throw errors.fromStatus(reply.status(), reply.body(), withRetryHeaders(reply));
        }
        String text = new String(reply.body(), StandardCharsets.UTF_8);
        if (!(OpenAiBackend.parseOr(text, null) instanceof JsonObject answer)) {
            throw errors.invalidReply("a reply that is not a JSON object", text.isEmpty() ? "(empty body)" : text);
        }
        String content = textOf(answer).orElseThrow(() -> errors.invalidReply(
                "a reply with no text in any of " + String.join(", ", TEXT_FIELDS), text));
        String model = request.model() != null ? request.model() : defaultModel.isEmpty() ? name : defaultModel;
        JsonObject completion = Completions.completion(request.id(), Instant.now().getEpochSecond(), model, content,
                new Usage(0, 0, false));
        Optional<Usage> usage = usageOf(answer);
        return usage.isPresent() ? completion.with("usage", usage.get().toJson()) : completion.toBuilder().remove("usage").build();
    }

    /** Such servers do not stream: the whole reply goes out as one chunk. */
    @Override
    public void stream(ChatRequest request, ChunkSink sink, Call call) throws IOException {
        sink.send(Completions.asChunk(complete(request, call)));
    }

    @Override
    public JsonObject models() {
        return Completions.modelList(!models.isEmpty() ? models : defaultModel.isEmpty() ? List.of() : List.of(defaultModel), name);
    }

    /** The same check as for an OpenAI server: few prompt APIs have {@code /health}, and a 404 is an answer. */
    @Override
    public Optional<String> notReadyReason() {
        return client.healthProblem(baseUrl, apiKey, errors);
    }

    @Override
    public String describe() {
        return name;
    }

    private HttpRequest post(ChatRequest request, Call call) {
        var body = JsonObject.builder();
        var system = new StringBuilder();
        List<JsonObject> turns = new java.util.ArrayList<>();
        for (JsonValue value : request.messages().values()) {
            JsonObject message = (JsonObject) value;
            String role = message.string("role").orElse("user");
            if (role.equals("system") || role.equals("developer")) {
                system.append(system.isEmpty() ? "" : "\n\n").append(ChatRequest.textOf(message.get("content")));
            } else {
                turns.add(message);
            }
        }
        body.put("prompt", prompt(turns));
        if (!system.isEmpty()) {
            body.put("system_prompt", system.toString());
        }
        if (request.model() != null) {
            body.put("model", request.model());
        }
        JsonObject chat = request.body();
        Optional.ofNullable(chat.get("max_completion_tokens")).or(() -> Optional.ofNullable(chat.get("max_tokens")))
                .ifPresent(max -> body.put("max_new_tokens", max));
        for (String field : List.of("temperature", "top_p")) {
            if (chat.get(field) != null) {
                body.put(field, chat.get(field));
            }
        }
        return BackendClient.request(uri, request.id(), call.waitAtMost(timeout), apiKey, call.trace())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.build().toJson()))
                .build();
    }

    /** One message: its text. Several: a transcript, each turn after its speaker. */
    static String prompt(List<JsonObject> turns) {
        if (turns.size() == 1) {
            return ChatRequest.textOf(turns.getFirst().get("content"));
        }
        var transcript = new StringBuilder();
        for (JsonObject turn : turns) {
            String role = turn.string("role").orElse("user");
            transcript.append(transcript.isEmpty() ? "" : "\n\n")
                    .append(Character.toUpperCase(role.charAt(0))).append(role.substring(1)).append(": ")
                    .append(ChatRequest.textOf(turn.get("content")));
        }
        return transcript.toString();
    }

    /** The reply's text, from the first of {@link #TEXT_FIELDS} it has. */
    static Optional<String> textOf(JsonObject answer) {
        Optional<String> fromChoices = answer.array("choices").filter(c -> c.size() > 0)
                .flatMap(c -> c.get(0) instanceof JsonObject choice ? choice.object("message") : Optional.empty())
                .flatMap(message -> message.string("content"));
        return answer.string("outputText").or(() -> fromChoices).or(() -> answer.string("response"))
                .or(() -> answer.string("text")).or(() -> answer.string("generated_text"))
                .or(() -> answer.string("output")).or(() -> answer.string("completion"));
    }

    /** Token counts as {@code tokensIn}/{@code tokensOut}, or in a {@code usage} object under any usual names. */
    static Optional<Usage> usageOf(JsonObject answer) {
        if (answer.longValue("tokensIn").isPresent() || answer.longValue("tokensOut").isPresent()) {
            return Optional.of(new Usage(answer.longValue("tokensIn").orElse(0L), answer.longValue("tokensOut").orElse(0L), false));
        }
        return answer.object("usage").flatMap(Usage::from);
    }

    /** A 429's {@code retryAfterMs} body field as the headers OpenAI clients read, unless headers already say. */
    private static HttpHeaders withRetryHeaders(BackendClient.Reply reply) {
        if (reply.status() != 429 || reply.headers().firstValue("Retry-After").isPresent()) {
            return reply.headers();
        }
        var body = OpenAiBackend.parseOr(new String(reply.body(), StandardCharsets.UTF_8), null);
        Optional<Long> millis = body instanceof JsonObject o ? o.longValue("retryAfterMs") : Optional.empty();
        if (millis.isEmpty()) {
            return reply.headers();
        }
        Map<String, List<String>> headers = new HashMap<>(reply.headers().map());
        headers.put("retry-after-ms", List.of(Long.toString(millis.get())));
        headers.put("Retry-After", List.of(Long.toString((millis.get() + 999) / 1000)));
        return HttpHeaders.of(headers, (n, v) -> true);
    }
}
