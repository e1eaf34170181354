package gateway.mock;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in inference server for tests, benchmarks and teaching: llama.cpp's
 * {@code llama-server} (OpenAI's chat completions, whole or streamed, slots, a prefix cache,
 * {@code /health} while loading), or a simple "prompt" API ({@link Shape}). It remembers the
 * last request it received, so tests can check what the gateway forwarded, counts what a
 * router's benchmark needs, and misbehaves on request ({@link MockOptions}).
 *
 * <pre>{@code java -jar gateway.jar mock --port 8081 --reply "Hello there"}</pre>
 *
 * <p>Inside, a chat goes down a {@link ChatPipeline} to its {@link Api} shape, which runs it
 * on the {@link Engine}: slots, prefix cache, prefill time.
 */
public final class MockBackend implements AutoCloseable {
    /** How many of the latest traceparent headers are kept. */
    public static final int TRACEPARENTS_KEPT = 100;

    static {
        // As a well-configured inference server: each small frame leaves at once, never held
        // back by Nagle's algorithm until the gateway acknowledges the previous one.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * What the mock received.
     *
     * @param headers the request's headers, by lower-case name
     * @param body    its body, parsed
     * @param text    its body, as text
     */
    public record Received(Map<String, List<String>> headers, JsonObject body, String text) {
        /**
         * {@return the first value of a header, or null}
         *
         * @param name the header's name, in any case
         */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null ? null : values.getFirst();
        }
    }

    private final MockOptions options;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Engine engine;
    private final Api api;
    private final Availability availability;
    private final ChatPipeline chats;

    private MockBackend(String host, int port, MockOptions options) throws IOException {
        this.options = options;
        this.engine = new Engine(options.slots(), options.cache());
        var misbehaviour = new Misbehaviour(options.faults(), options.pacing());
        this.api = Api.of(options, engine, misbehaviour);
        this.availability = new Availability(options.loading());
        this.chats = new ChatPipeline(api, availability, misbehaviour);
        // A deep accept queue, as the gateway's: the benchmark opens thousands of streams at once.
        this.server = HttpServer.create(new InetSocketAddress(host, port), 4096);
        server.setExecutor(executor);
        server.createContext("/", this::route);
        server.start();
    }

    /**
     * {@return a mock, started}
     *
     * @param host    the address it listens on, such as {@code 127.0.0.1}
     * @param port    its port; 0 picks a free one
     * @param options how it answers
     * @throws UncheckedIOException when it cannot listen there
     */
    public static MockBackend start(String host, int port, MockOptions options) {
        try {
            return new MockBackend(host, port, options);
        } catch (IOException e) {
            throw new UncheckedIOException("mock backend cannot listen on " + host + ":" + port, e);
        }
    }

    /** Every route, whatever the shape; an API shape adds its own chat path. */
    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals(options.shape().path()) || (options.shape() == Shape.OPENAI && OpenAiApi.serves(path))) {
                only("POST", exchange, chats::handle);
            } else if (path.equals("/health")) {
                only("GET", exchange, this::health);
            } else if (path.equals("/mock/stats")) {
                only("GET", exchange, this::stats);
            } else if (path.equals("/v1/models") && options.shape() == Shape.OPENAI) {
                only("GET", exchange, this::models);
            } else {
                exchange.getRequestBody().readAllBytes();
                api.error(exchange, 404, "File Not Found");
            }
        }
    }

    private void only(String method, HttpExchange exchange, HttpHandler handler) throws IOException {
        if (exchange.getRequestMethod().equals(method)) {
            handler.handle(exchange);
        } else {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Allow", method);
            api.error(exchange, 405, "Method Not Allowed");
        }
    }

    /** As llama-server's: 503 in its error format while the model loads. */
    private void health(HttpExchange exchange) throws IOException {
        if (availability.loading()) {
            Api.send(exchange, 503, JsonObject.builder().put("error", JsonObject.builder().put("code", 503)
                    .put("message", "Loading model").put("type", "unavailable_error").build()).build());
        } else {
            Api.send(exchange, 200, JsonObject.builder().put("status", "ok").build());
        }
    }

    /** The counters, for a benchmark in another process. */
    private void stats(HttpExchange exchange) throws IOException {
        Api.send(exchange, 200, JsonObject.builder().put("requests", chatRequests())
                .put("prompt_tokens", promptTokens()).put("cached_tokens", cachedTokens())
                .put("max_generating", maxGenerating()).build());
    }

    private void models(HttpExchange exchange) throws IOException {
        List<JsonValue> models = options.models().stream().<JsonValue>map(id -> JsonObject.builder()
                .put("id", id).put("object", "model").put("created", 0).put("owned_by", "mock").build()).toList();
        Api.send(exchange, 200, JsonObject.builder().put("object", "list").put("data", new JsonArray(models)).build());
    }

    /** {@return its address, such as {@code http://127.0.0.1:8081}: a gateway's {@code BACKEND_URL}} */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** {@return the port it listens on} */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@return how it answers} */
    public MockOptions options() {
        return options;
    }

    /** {@return the last chat request received, or {@code null}} */
    public Received lastRequest() {
        return chats.lastRequest();
    }

    /**
     * {@return the {@code traceparent} headers of the latest chat requests} At most
     * {@value #TRACEPARENTS_KEPT}, oldest first: where a backend's own span would join the trace.
     */
    public List<String> traceparents() {
        return chats.traceparents();
    }

    /** {@return how many chat requests arrived} */
    public int chatRequests() {
        return chats.chatRequests();
    }

    /**
     * {@return the chat requests inside the mock now, waiting for a slot or answered} A call the gateway
     * gave up on (its client left) ends at the mock's next write, so this falls back to 0.
     */
    public int chatsInProgress() {
        return chats.chatsInProgress();
    }

    /** {@return the chat requests waiting for a slot now} */
    public int waiting() {
        return engine.gate().waiting();
    }

    /** {@return the chat requests holding a slot now (processing their prompt or answering)} */
    public int generating() {
        return engine.gate().generating();
    }

    /** {@return the most requests that ever held a slot at once} */
    public int maxGenerating() {
        return engine.gate().maxGenerating();
    }

    /** {@return the prompt tokens of every processed request} */
    public long promptTokens() {
        return engine.promptTokens();
    }

    /** {@return of those, the tokens found in the prefix cache} */
    public long cachedTokens() {
        return engine.cachedTokens();
    }

    /** {@return true while {@code /health} and chats answer 503 "Loading model"} */
    public boolean loading() {
        return availability.loading();
    }

    /**
     * Starts or ends loading, at once; ending it also ends the start's {@code --loading-ms}.
     *
     * @param loading true to start loading, false to end it
     */
    public void loading(boolean loading) {
        availability.loading(loading);
    }

    /**
     * While {@code retryAfter} is positive, refuses every chat with 503 and
     * {@code Retry-After} (whole seconds), as a server shedding load; {@link Duration#ZERO} ends it.
     *
     * @param retryAfter how long
     */
    public void cooldown(Duration retryAfter) {
        availability.cooldown(retryAfter);
    }

    /** Stops it at once, cutting what it was answering. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
