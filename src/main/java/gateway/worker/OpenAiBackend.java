package gateway.worker;

import gateway.config.BackendSettings;
import gateway.json.Json;
import gateway.json.JsonBoolean;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.openai.ModelRequest;
import gateway.openai.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Forwards requests to one OpenAI-compatible server (llama.cpp's llama-server, vLLM,
 * Ollama's /v1, OpenAI) at the operation's own path, through the shared
 * {@link BackendClient}, and reads streamed replies line by line as they arrive.
 */
public final class OpenAiBackend implements Worker {
    private final String name;
    private final BackendClient client;
    private final URI baseUrl;
    /** Where each operation goes: the same path as on the gateway. */
    private final Map<Operation, URI> uris = new EnumMap<>(Operation.class);
    private final String apiKey;
    private final Duration timeout;
    private final BackendErrors errors;
    private final BackendModels models;

    /**
     * @param backend its name, base address (without {@code /v1}) and key
     * @param timeout how long to wait for its answer to start, and the longest silence of a reply
     */
    public OpenAiBackend(BackendSettings backend, Duration timeout, String defaultModel, Duration modelsCacheTime,
            BackendClient client) {
        this.name = backend.name();
        this.client = client;
        this.baseUrl = backend.url();
        for (Operation operation : Operation.values()) {
            uris.put(operation, URI.create(backend.url() + operation.path()));
        }
        this.apiKey = backend.apiKey();
        this.timeout = timeout;
        this.errors = new BackendErrors(backend, timeout);
        this.models = new BackendModels(this, errors, URI.create(backend.url() + "/v1/models"), defaultModel, modelsCacheTime);
    }

    @Override
    public JsonObject complete(ModelRequest request, Call call) {
        BackendClient.Reply reply = client.fetch(post(request, call), errors, call);
        if (!reply.ok()) {
            throw errors.fromStatus(reply.status(), reply.body(), reply.headers());
        }
        return BackendReplies.normalized(request, parseReply(request, new String(reply.body(), StandardCharsets.UTF_8)));
    }

    @Override
    public void stream(ModelRequest request, ChunkSink sink, Call call) throws IOException {
        HttpResponse<InputStream> response = client.send(post(request, call), errors, call);
        // A silent backend is cut off after the timeout; the client is pinged meanwhile.
        Watchdog.Watched body = client.watch(response.body(), timeout, sink::keepAlive, call);
        boolean complete = false;
        try {
            if (response.statusCode() / 100 != 2) {
                throw errors.fromStatus(response.statusCode(), BackendClient.readWhole(body, response.headers(), errors), response.headers());
            }
            boolean eventStream = response.headers().firstValue("Content-Type")
                    .map(type -> type.toLowerCase().startsWith("text/event-stream")).orElse(false);
            if (!eventStream) {
                // Some servers ignore "stream": the whole reply then goes out as a stream of one piece.
                String text = new String(BackendClient.readWhole(body, response.headers(), errors), StandardCharsets.UTF_8);
                for (JsonObject frame : BackendReplies.asStream(request, BackendReplies.normalized(request, parseReply(request, text)))) {
                    sink.send(frame);
                }
                return;
            }
            new SseReader(errors, request, sink).relay(new LineReader(body));
            complete = true;
        } finally {
            if (complete) {
                BackendClient.finishReading(body);
            } else {
                body.close(); // closing the body is how the backend call is cancelled
            }
        }
    }

    @Override
    public JsonObject models() {
        return models.list();
    }

    @Override
    public Optional<String> notReadyReason() {
        return client.healthProblem(baseUrl, apiKey, errors);
    }

    @Override
    public String describe() {
        return name;
    }

    /** Fetches through the shared client, for the model list. */
    BackendClient.Reply fetch(HttpRequest request) {
        return client.fetch(request, errors, WaitMeter.NONE);
    }

    /** A request to this server, with the gateway's own credentials, never the client's. */
    HttpRequest.Builder request(URI uri, String requestId, Duration timeout) {
        return BackendClient.request(uri, requestId, timeout, apiKey, null);
    }

    /** The answer must start by the call's deadline (a failover's second attempt has what is left of the first's). */
    private HttpRequest post(ModelRequest chat, Call call) {
        return BackendClient.request(uris.get(chat.operation()), chat.id(), call.waitAtMost(timeout), apiKey, call.trace())
                .header("Content-Type", "application/json")
                .header("Accept", chat.stream() ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(forwardedBody(chat)))
                .build();
    }

    /**
     * The client's request with what the gateway must set: the model, when none was named
     * (the default) or an alias was; and, for chat and text completion streams, a request for
     * usage so every stream can be counted (the client still sees the usage chunk only if it
     * asked; a Responses stream always ends with its usage). When there
     * is nothing to set, the client's bytes go out untouched: nothing is re-encoded.
     */
    static byte[] forwardedBody(ModelRequest chat) {
        JsonObject body = chat.body();
        boolean setModel = chat.model() != null && !chat.model().equals(body.string("model").orElse(null));
        boolean askUsage = chat.stream() && !chat.includeUsage() && chat.operation() != Operation.RESPONSE;
        if (!setModel && !askUsage) {
            return chat.bytes();
        }
        var forwarded = body.toBuilder();
        if (setModel) {
            forwarded.put("model", chat.model());
        }
        if (askUsage) {
            JsonObject options = body.object("stream_options").orElse(JsonObject.builder().build());
            forwarded.put("stream_options", options.with("include_usage", JsonBoolean.TRUE));
        }
        return forwarded.build().toJson().getBytes(StandardCharsets.UTF_8);
    }

    private JsonObject parseReply(ModelRequest request, String text) {
        if (parseOr(text, null) instanceof JsonObject reply && BackendReplies.isReply(request, reply)) {
            return reply;
        }
        throw errors.invalidReply("a reply that is not a " + request.operation().object(), text.isEmpty() ? "(empty body)" : text);
    }

    static JsonValue parseOr(String text, JsonValue fallback) {
        try {
            return Json.parse(text);
        } catch (JsonException e) {
            return fallback;
        }
    }
}
