package gateway.worker;

import gateway.chat.ChatRequest;
import gateway.chat.Completions;
import gateway.chat.Usage;
import gateway.http.ApiError;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Forwards chat requests to an OpenAI-compatible server (llama.cpp's llama-server,
 * vLLM, Ollama's /v1, OpenAI) with one shared {@link HttpClient}, and reads streamed
 * replies line by line as they arrive. Closing a reply's body is how a call is cancelled.
 */
public final class BackendWorker implements Worker, AutoCloseable {
    /** The largest whole (non-streamed) reply read from a backend. */
    private static final int MAX_REPLY_BYTES = 32 << 20;

    private final ExecutorService clientTasks = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client;
    private final URI chatUri;
    private final String apiKey;
    private final Duration timeout;
    private final BackendErrors errors;
    private final BackendModels models;
    private final Watchdog watchdog = new Watchdog();

    /**
     * @param baseUrl the server's address without {@code /v1}, e.g. {@code http://127.0.0.1:8081}
     */
    public BackendWorker(URI baseUrl, String apiKey, Duration timeout, Duration connectTimeout,
            String defaultModel, Duration modelsCacheTime) {
        // HTTP/1.1: inference servers speak it everywhere; h2c upgrades on plain http only add a round of headers.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                // The default executor, a cached pool of platform threads, hands every response
                // event to another OS thread: measured, it cost a third more CPU per request.
                .executor(clientTasks)
                .build();
        this.chatUri = URI.create(baseUrl + "/v1/chat/completions");
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.errors = new BackendErrors(baseUrl.toString(), timeout, apiKey);
        this.models = new BackendModels(this, errors, URI.create(baseUrl + "/v1/models"), defaultModel, modelsCacheTime);
    }

    /** A whole reply of the backend. */
    record Reply(int status, HttpHeaders headers, byte[] body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    @Override
    public JsonObject complete(ChatRequest request, WaitMeter meter) {
        Reply reply = fetch(post(request), meter);
        if (!reply.ok()) {
            throw errors.fromStatus(reply.status(), reply.body(), reply.headers());
        }
        return normalized(request, parseCompletion(new String(reply.body(), StandardCharsets.UTF_8)));
    }

    @Override
    public void stream(ChatRequest request, ChunkSink sink, WaitMeter meter) throws IOException {
        HttpResponse<InputStream> response = send(post(request), meter);
        // A silent backend is cut off after the timeout; the client is pinged meanwhile.
        Watchdog.Watched body = watchdog.watch(response.body(), timeout, sink::keepAlive, meter);
        boolean complete = false;
        try {
            if (response.statusCode() / 100 != 2) {
                throw errors.fromStatus(response.statusCode(), readWhole(body), response.headers());
            }
            boolean eventStream = response.headers().firstValue("Content-Type")
                    .map(type -> type.toLowerCase().startsWith("text/event-stream")).orElse(false);
            if (!eventStream) {
                // Some servers ignore "stream": the whole reply then goes out as one chunk.
                String text = new String(readWhole(body), StandardCharsets.UTF_8);
                sink.send(Completions.asChunk(normalized(request, parseCompletion(text))));
                return;
            }
            new SseReader(errors, request, sink).relay(new LineReader(body));
            complete = true;
        } finally {
            if (complete) {
                finishReading(body);
            } else {
                body.close(); // closing the body is how the backend call is cancelled
            }
        }
    }

    /**
     * After {@code [DONE]} a reply has only its last chunk to come. Closed before that is
     * read, the connection would be reset instead of going back to the pool; read on its
     * own virtual thread, it does not hold up the client (the watchdog still bounds it).
     */
    private static void finishReading(Watchdog.Watched body) {
        Thread.ofVirtual().start(() -> {
            try (body) {
                body.skip(MAX_REPLY_BYTES);
            } catch (IOException e) {
                // the connection is lost either way
            }
        });
    }

    @Override
    public JsonObject models() {
        return models.list();
    }

    @Override
    public Optional<String> notReadyReason() {
        return models.notReadyReason();
    }

    @Override
    public String describe() {
        return chatUri.toString();
    }

    @Override
    public void close() {
        watchdog.close();
        client.close();
        clientTasks.close();
    }

    /**
     * Sends a request and reads its whole reply, which may be silent no longer than the
     * request's own timeout.
     */
    Reply fetch(HttpRequest request, WaitMeter meter) {
        HttpResponse<InputStream> response = send(request, meter);
        try (var body = watchdog.watch(response.body(), request.timeout().orElse(timeout), null, meter)) {
            return new Reply(response.statusCode(), response.headers(), readWhole(body));
        } catch (IOException closing) {
            throw errors.brokenReply(closing);
        }
    }

    /** Sends a request and waits for the response headers, mapping failures to API errors. */
    private HttpResponse<InputStream> send(HttpRequest request, WaitMeter meter) {
        long start = System.nanoTime();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw errors.failedCall(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.backendUnavailable("The call to the backend was interrupted (the gateway is stopping).");
        } finally {
            meter.waited(System.nanoTime() - start);
        }
    }

    /** A request to the backend, with the gateway's own credentials, never the client's. */
    HttpRequest.Builder request(URI uri, String requestId, Duration timeout) {
        var builder = HttpRequest.newBuilder(uri).timeout(timeout).header("X-Request-ID", requestId);
        if (!apiKey.isEmpty()) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder;
    }

    private HttpRequest post(ChatRequest chat) {
        return request(chatUri, chat.id(), timeout)
                .header("Content-Type", "application/json")
                .header("Accept", chat.stream() ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(forwardedBody(chat)))
                .build();
    }

    /**
     * The client's request with what the gateway must set: the default model when none
     * was named, and, for streams, a request for usage so every stream can be counted
     * (the client still sees the usage chunk only if it asked). When there is nothing to
     * set, the client's bytes go out untouched: nothing is re-encoded.
     */
    static byte[] forwardedBody(ChatRequest chat) {
        JsonObject body = chat.body();
        boolean addModel = !body.has("model") && chat.model() != null;
        boolean askUsage = chat.stream() && !chat.includeUsage();
        if (!addModel && !askUsage) {
            return chat.bytes();
        }
        var forwarded = body.toBuilder();
        if (addModel) {
            forwarded.put("model", chat.model());
        }
        if (askUsage) {
            JsonObject options = body.object("stream_options").orElse(JsonObject.builder().build());
            forwarded.put("stream_options", options.with("include_usage", JsonBoolean.TRUE));
        }
        return forwarded.build().toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** A backend's completion with the gateway's id and what a sloppy backend leaves out. */
    private JsonObject normalized(ChatRequest request, JsonObject completion) {
        var normal = completion.toBuilder().put("id", request.id());
        if (!completion.has("object")) {
            normal.put("object", "chat.completion");
        }
        if (!completion.has("created")) {
            normal.put("created", Instant.now().getEpochSecond());
        }
        if (!completion.has("model") && request.model() != null) {
            normal.put("model", request.model());
        }
        completion.object("usage").ifPresent(usage -> normal.put("usage", Usage.standardized(usage)));
        return normal.build();
    }

    private JsonObject parseCompletion(String text) {
        if (parseOr(text, null) instanceof JsonObject completion && completion.get("choices") instanceof JsonArray) {
            return completion;
        }
        throw errors.invalidReply("a reply that is not a chat completion", text.isEmpty() ? "(empty body)" : text);
    }

    /** A whole body, up to {@link #MAX_REPLY_BYTES}; a failure to read it is the backend's. */
    private byte[] readWhole(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(MAX_REPLY_BYTES);
            if (bytes.length == MAX_REPLY_BYTES && body.read() != -1) {
                throw errors.invalidReply("a reply larger than " + MAX_REPLY_BYTES + " bytes", "");
            }
            return bytes;
        } catch (IOException e) {
            throw errors.brokenReply(e);
        }
    }

    static JsonValue parseOr(String text, JsonValue fallback) {
        try {
            return Json.parse(text);
        } catch (JsonException e) {
            return fallback;
        }
    }
}
