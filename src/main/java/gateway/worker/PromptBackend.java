package gateway.worker;

import gateway.config.BackendSettings;
import gateway.http.ApiError;
import gateway.json.JsonObject;
import gateway.openai.Completions;
import gateway.openai.ModelRequest;
import gateway.openai.Operation;
import gateway.openai.TextReplies;
import gateway.openai.Usage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calls a "prompt in, text out" server ({@code BACKEND_<NAME>_KIND=prompt}), the kind of
 * inference API that predates OpenAI's shape, and answers as an OpenAI server would, in
 * the shape of the operation asked for: chat, text completion (one prompt at a time) or
 * response; it has no embeddings.
 *
 * <p>It posts {@code {"prompt", "system_prompt", "model", "max_new_tokens", "temperature",
 * "top_p"}} to the backend's path, each field only when the request gives it: the prompt
 * is the conversation without its system messages (the one message's text, or a
 * {@code User: … / Assistant: …} transcript), the system prompt those messages (and a
 * response's instructions). The reply's
 * text is read from the shapes such servers use ({@link #TEXT_FIELDS}), and its token
 * counts from {@code tokensIn}/{@code tokensOut} or a {@code usage} object. Such a server
 * does not stream: a stream request gets the whole reply as a stream of one piece. A 429 that says
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

    /** No embeddings, and one prompt per request. */
    @Override
    public boolean serves(ModelRequest request) {
        return request.operation() != Operation.EMBEDDING && request.inputs().size() <= 1;
    }

    @Override
    public JsonObject complete(ModelRequest request, Call call) {
        if (request.operation() == Operation.EMBEDDING) {
            throw ApiError.invalidRequest("unsupported_operation", null, "Backend " + name
                    + " is a prompt API (BACKEND_" + "<NAME>_KIND=prompt), which serves no embeddings.");
        }
        if (request.inputs().size() > 1) {
            throw ApiError.invalidRequest("invalid_prompt", "prompt", "Backend " + name
                    + " is a prompt API, which takes one prompt per request.");
        }
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
        Optional<Usage> usage = usageOf(answer);
        JsonObject whole = TextReplies.of(request, model, Instant.now().getEpochSecond())
                .whole(List.of(content), usage.orElse(new Usage(0, 0, false)));
        // Counts the server did not give are left out, for the gateway to estimate, rather than sent as zeros.
        return usage.isPresent() ? whole : whole.toBuilder().remove("usage").build();
    }

    /** Such servers do not stream: the whole reply goes out as a stream of one piece. */
    @Override
    public void stream(ModelRequest request, ChunkSink sink, Call call) throws IOException {
        for (JsonObject frame : BackendReplies.asStream(request, complete(request, call))) {
            sink.send(frame);
        }
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

    private HttpRequest post(ModelRequest request, Call call) {
        var body = JsonObject.builder();
        var system = new StringBuilder();
        List<ModelRequest.Turn> turns = new ArrayList<>();
        for (ModelRequest.Turn turn : request.turns()) {
            if (turn.role().equals("system") || turn.role().equals("developer")) {
                system.append(system.isEmpty() ? "" : "\n\n").append(turn.text());
            } else {
                turns.add(turn);
            }
        }
        body.put("prompt", prompt(turns));
        if (!system.isEmpty()) {
            body.put("system_prompt", system.toString());
        }
        if (request.model() != null) {
            body.put("model", request.model());
        }
        JsonObject asked = request.body();
        Optional.ofNullable(asked.get("max_completion_tokens")).or(() -> Optional.ofNullable(asked.get("max_tokens")))
                .or(() -> Optional.ofNullable(asked.get("max_output_tokens")))
                .ifPresent(max -> body.put("max_new_tokens", max));
        for (String field : List.of("temperature", "top_p")) {
            if (asked.get(field) != null) {
                body.put(field, asked.get(field));
            }
        }
        return BackendClient.request(uri, request.id(), call.waitAtMost(timeout), apiKey, call.trace())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.build().toJson()))
                .build();
    }

    /** One turn: its text. Several: a transcript, each turn after its speaker. */
    static String prompt(List<ModelRequest.Turn> turns) {
        if (turns.size() == 1) {
            return turns.getFirst().text();
        }
        var transcript = new StringBuilder();
        for (ModelRequest.Turn turn : turns) {
            String role = turn.role();
            transcript.append(transcript.isEmpty() ? "" : "\n\n")
                    .append(Character.toUpperCase(role.charAt(0))).append(role.substring(1)).append(": ")
                    .append(turn.text());
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
