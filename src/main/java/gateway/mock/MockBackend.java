package gateway.mock;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenAI-compatible backend for tests and teaching: {@code POST /v1/chat/completions}
 * answers with a fixed text, whole or streamed word by word, and {@code GET /v1/models}
 * lists its one model. It remembers the last request it received, so tests can check
 * what the gateway forwarded, and misbehaves on request ({@link MockOptions}): 500s,
 * 429s, slow first bytes, streams cut half-way, garbage lines, paced frames.
 *
 * <pre>{@code java -jar gateway.jar mock --port 8081 --reply "Hello there"}</pre>
 */
public final class MockBackend implements AutoCloseable {
    static {
        // As a well-configured inference server: each small frame leaves at once, never held
        // back by Nagle's algorithm until the gateway acknowledges the previous one.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** What the mock received: the request's headers (lower-case names), its body parsed and as text. */
    public record Received(Map<String, List<String>> headers, JsonObject body, String text) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null ? null : values.getFirst();
        }
    }

    private final MockOptions options;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger chatRequests = new AtomicInteger();
    private final AtomicInteger chatsInProgress = new AtomicInteger();
    private volatile Received lastRequest;

    private MockBackend(String host, int port, MockOptions options) throws IOException {
        this.options = options;
        // A deep accept queue, as the gateway's: the benchmark opens thousands of streams at once.
        this.server = HttpServer.create(new InetSocketAddress(host, port), 4096);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/models", this::models);
        server.start();
    }

    /** Starts a mock on {@code host:port} (port 0 picks a free one). */
    public static MockBackend start(String host, int port, MockOptions options) {
        try {
            return new MockBackend(host, port, options);
        } catch (IOException e) {
            throw new UncheckedIOException("mock backend cannot listen on " + host + ":" + port, e);
        }
    }

    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The last chat request received, or {@code null}. */
    public Received lastRequest() {
        return lastRequest;
    }

    /** How many chat requests arrived. */
    public int chatRequests() {
        return chatRequests.get();
    }

    /**
     * Chat requests being answered now: a call the gateway gave up on (its client left)
     * ends at the mock's next write, so this falls back to 0.
     */
    public int chatsInProgress() {
        return chatsInProgress.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void chat(HttpExchange exchange) throws IOException {
        chatsInProgress.incrementAndGet();
        try (exchange) {
            answerChat(exchange);
        } finally {
            chatsInProgress.decrementAndGet();
        }
    }

    private void answerChat(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        JsonObject body = parseObject(bytes);
        chatRequests.incrementAndGet();
        lastRequest = new Received(lowerCaseNames(exchange.getRequestHeaders()), body,
                new String(bytes, StandardCharsets.UTF_8));
        pause(options.firstByteDelay());
        if (chance(options.errorRate())) {
            sendJson(exchange, 500, "{\"error\":{\"code\":500,\"message\":\"injected failure\",\"type\":\"server_error\"}}");
            return;
        }
        if (chance(options.rateLimitRate())) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            exchange.getResponseHeaders().set("retry-after-ms", "1000");
            sendJson(exchange, 429, "{\"error\":{\"message\":\"injected rate limit\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}");
            return;
        }
        String model = body.string("model").orElse(options.model());
        if (body.get("stream") == JsonBoolean.TRUE) {
            boolean usage = body.object("stream_options").map(o -> o.get("include_usage") == JsonBoolean.TRUE).orElse(false);
            stream(exchange, model, usage);
        } else {
            sendJson(exchange, 200, completion(model).toJson());
        }
    }

    private JsonObject completion(String model) {
        JsonObject message = JsonObject.builder().put("role", "assistant").put("content", options.reply()).build();
        return JsonObject.builder()
                .put("id", "chatcmpl-mock")
                .put("object", "chat.completion")
                .put("created", Instant.now().getEpochSecond())
                .put("model", model)
                .put("choices", JsonArray.of(JsonObject.builder().put("index", 0).put("message", message)
                        .put("finish_reason", "stop").build()))
                .put("usage", usage())
                .build();
    }

    private JsonObject usage() {
        long words = options.reply().isBlank() ? 0 : options.reply().strip().split("\\s+").length;
        return JsonObject.builder().put("prompt_tokens", 5).put("completion_tokens", words)
                .put("total_tokens", 5 + words).build();
    }

    private void stream(HttpExchange exchange, String model, boolean includeUsage) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String[] words = options.reply().split("(?<=\\S)(?=\\s)");
        boolean cut = chance(options.cutRate());
        boolean garbage = chance(options.garbageRate());
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                pause(options.tokenDelay());
            }
            if (i == words.length / 2 && garbage) {
                out.write("<html>an injected line that is not Server-Sent Events</html>\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (i == words.length / 2 && cut) {
                return; // the stream ends here, without [DONE]
            }
            var delta = JsonObject.builder();
            if (i == 0) {
                delta.put("role", "assistant");
            }
            event(out, chunk(model, delta.put("content", words[i]).build(), null));
        }
        event(out, chunk(model, JsonObject.builder().build(), "stop"));
        if (includeUsage) {
            event(out, JsonObject.builder().put("id", "chatcmpl-mock").put("object", "chat.completion.chunk")
                    .put("created", Instant.now().getEpochSecond()).put("model", model)
                    .put("choices", JsonArray.of()).put("usage", usage()).build());
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static JsonObject chunk(String model, JsonObject delta, String finishReason) {
        JsonObject choice = JsonObject.builder().put("index", 0).put("delta", delta).put("finish_reason", finishReason).build();
        return JsonObject.builder().put("id", "chatcmpl-mock").put("object", "chat.completion.chunk")
                .put("created", Instant.now().getEpochSecond()).put("model", model).put("choices", JsonArray.of(choice))
                .build();
    }

    private static void event(OutputStream out, JsonValue data) throws IOException {
        out.write(("data: " + data.toJson() + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void models(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonObject model = JsonObject.builder().put("id", options.model()).put("object", "model")
                    .put("created", 0).put("owned_by", "mock").build();
            sendJson(exchange, 200, JsonObject.builder().put("object", "list").put("data", JsonArray.of(model)).build().toJson());
        }
    }

    private static JsonObject parseObject(byte[] bytes) {
        try {
            return Json.parse(bytes) instanceof JsonObject o ? o : JsonObject.builder().build();
        } catch (JsonException e) {
            return JsonObject.builder().build();
        }
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, List<String>> lowerCaseNames(Map<String, List<String>> headers) {
        var lower = new HashMap<String, List<String>>();
        headers.forEach((name, values) -> lower.put(name.toLowerCase(), List.copyOf(values)));
        return lower;
    }

    private static boolean chance(double rate) {
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    private static void pause(Duration delay) {
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
