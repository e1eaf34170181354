package gateway;

import com.sun.net.httpserver.HttpServer;
import gateway.access.Access;
import gateway.access.InFlightLimit;
import gateway.access.RateLimiter;
import gateway.admin.KeyManagement;
import gateway.config.Settings;
import gateway.config.SettingsChange;
import gateway.config.SettingsException;
import gateway.http.ApiError;
import gateway.http.Departures;
import gateway.http.Router;
import gateway.observe.Log;
import gateway.observe.Metrics;
import gateway.openai.Operation;
import gateway.telemetry.Telemetry;
import gateway.web.WebPages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The gateway: an HTTP server whose routes all fit on one screen. Start one (or build one
 * with parts of one's own: {@link #builder()}), use its {@link #uri()}, close it:
 *
 * <pre>{@code
 * try (var gateway = Gateway.start(Settings.defaults().withPort(0))) {
 *     URI base = gateway.uri();   // http://127.0.0.1:PORT
 * }
 * }</pre>
 *
 * A request's path through it:
 * <pre>
 * client ─▶ HttpServer (one virtual thread per request)
 *           └─ Router          request id; path (or /admin/keys/{id}) and method → 404 / 405; catches
 *              │               everything → OpenAI-shaped error; log + metrics at the end
 *              └─ InFlightLimit  MAX_REQUESTS_IN_FLIGHT model requests at once, else → 503 overloaded
 *                 │            (before it: 503 shutting_down once the gateway drains)
 *                 └─ Access    API key (API_KEYS, KEYS_FILE) → 401; budget, at once, rate → 429;
 *                    │         tokens charged and usage counted at the end
 *                    └─ ModelEndpoint body (MAX_BODY_BYTES → 413), parse → 400, check → 400,
 *                       │             a model the key may not use → 403; the builder's RequestChecks
 *                       └─ Worker     echo locally, the builder's worker, or RoutingWorker:
 *                          │            model (after aliases) → pool of backends → 404
 *                          │            a free slot, or the fair queue → 429 / 503
 *                          │            least-loaded / prefix affinity / round robin (or a RoutingPolicy), bounded
 *                          │            call it → 502 / 504; another backend before the first byte
 *                          └─ answer  JSON, or SSE frames flushed one by one, then [DONE]
 * </pre>
 */
public final class Gateway implements AutoCloseable {
    static {
        JdkProperties.setDefaults(); // before this JVM makes its first HTTP server or client
    }

    /**
     * Connections waiting to be accepted. The JDK server accepts one per turn of its
     * selector loop, so a burst of clients waits in this kernel queue, and one that finds
     * it full retries its SYN after 1, 3, then 7 s: measured, 5,000 streams opened at once
     * overflowed a queue of 1,024 and their median first frame came after 7 s. Linux caps
     * it at {@code net.core.somaxconn}, 4,096 by default since 5.4.
     */
    private static final int BACKLOG = 4096;

    /** After the grace, how long cut streams have to send their error frame before connections close. */
    private static final int CUT_SECONDS = 1;

    /** The settings it started with, which say where it listens and how it stops: a reload never changes those. */
    private final Settings settings;
    private final LiveSettings live;
    private final Router router;
    private volatile boolean draining;
    private final HttpServer server;
    private final ExecutorService executor;
    private final WorkerSwitch worker;
    private final Departures departures = new Departures();
    private final Metrics metrics = new Metrics();
    private final KeyManagement keys;
    private final Telemetry telemetry;
    private final Extensions extensions;

    private Gateway(Settings settings, Log log, Extensions extensions) throws IOException {
        this.settings = settings;
        this.extensions = extensions;
        this.live = new LiveSettings(settings, log);
        JdkProperties.setTimeouts(settings.server()); // once per JVM: the first gateway's settings hold
        // First: a key store that cannot be read stops the start, and takes the exporter's thread down with it.
        this.telemetry = new Telemetry(settings.telemetry(), metrics::toOtlp, metrics.export());
        try {
            this.keys = openKeys(settings.access().keysFile(), live, log);
        } catch (RuntimeException e) {
            telemetry.close(Duration.ZERO);
            throw e;
        }
        this.worker = new WorkerSwitch(settings, next -> extensions.workerFor(next, metrics.routing(), log), metrics.routing());
        var access = new Access(keys.callers(), new RateLimiter(() -> live.get().access().rateLimits(), System::nanoTime),
                keys.usage(), Gateway::epochSeconds);
        var admin = settings.access().adminKey();
        var status = new StatusEndpoints(worker, worker::routing, metrics, () -> draining);

        // Checked first, so an overloaded gateway does no work, not even a key lookup, for a request it turns away.
        var inFlight = new InFlightLimit(() -> live.get().limits().maxRequestsInFlight());

        this.router = new Router(metrics, log, settings.server().cors(), departures, telemetry)
                .route("POST", "/v1/chat/completions", model(Operation.CHAT, inFlight, access))
                .route("POST", "/v1/completions", model(Operation.COMPLETION, inFlight, access))
                .route("POST", "/v1/embeddings", model(Operation.EMBEDDING, inFlight, access))
                .route("POST", "/v1/responses", model(Operation.RESPONSE, inFlight, access))
                .route("GET", "/v1/models", whileOpen(access.identify(status::models)))
                .route("GET", "/v1/models/{model...}", whileOpen(access.identify(status::model)))
                .route("GET", "/healthz", StatusEndpoints::live)
                .route("GET", "/health", StatusEndpoints::live)
                .route("GET", "/readyz", status::ready)
                .route("GET", "/metrics", status::metrics)
                .route("GET", "/me/usage", keys.report()::mine);
        // Without an admin key the admin API does not exist: 404 for any method, not a 405 that lists the methods.
        if (!admin.isEmpty()) {
            router.route("GET", "/admin/backends", Access.adminOnly(admin, status::backends))
                    .route("GET", "/admin/keys", Access.adminOnly(admin, keys.keys()::list))
                    .route("POST", "/admin/keys", Access.adminOnly(admin, keys.keys()::create))
                    .route("GET", "/admin/keys/{id}", Access.adminOnly(admin, keys.keys()::get))
                    .route("PATCH", "/admin/keys/{id}", Access.adminOnly(admin, keys.keys()::update))
                    .route("DELETE", "/admin/keys/{id}", Access.adminOnly(admin, keys.keys()::revoke))
                    .route("POST", "/admin/keys/{id}/rotate", Access.adminOnly(admin, keys.keys()::rotate))
                    .route("GET", "/admin/usage", Access.adminOnly(admin, keys.report()::all));
        }
        if (settings.server().uiEnabled()) {
            var pages = WebPages.load();
            router.route("GET", "/", pages.file("index.html"))
                    .route("GET", "/docs", pages.file("docs.html"))
                    .route("GET", "/openapi.json", pages.file("openapi.json"))
                    .route("GET", "/ui/{file}", pages::asset)
                    .route("GET", "/favicon.ico", pages.file("ui/icon.svg")) // browsers ask for it anyway
                    .route("GET", "/console", admin.isEmpty() ? pages.notFoundPage("console-off.html") : pages.file("console.html"));
        }

        this.server = listen(settings);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", router);
        server.start();
        telemetry.listening(settings.server().host(), port());
    }

    /** The listening socket; when it cannot be had, what was started already (checks, autosave) is stopped. */
    private HttpServer listen(Settings settings) throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress(settings.server().host(), settings.server().port()), BACKLOG);
        } catch (IOException | RuntimeException e) {
            keys.close();
            telemetry.close(Duration.ZERO);
            worker.close();
            throw e;
        }
    }

    /**
     * {@return a gateway started with these settings, logging to standard output}
     *
     * @param settings the settings, such as {@code Settings.defaults().withPort(0)}
     * @throws UncheckedIOException when it cannot listen on {@code HOST:PORT}
     */
    public static Gateway start(Settings settings) {
        return start(settings, Log.toStandardOutput());
    }

    /**
     * {@return a gateway started with these settings, writing its log lines to {@code log}}
     *
     * @param settings the settings
     * @param log      where its log lines go
     * @throws UncheckedIOException when it cannot listen on {@code HOST:PORT}
     */
    public static Gateway start(Settings settings, Log log) {
        return start(settings, log, Extensions.NONE);
    }

    /** {@return a builder of a gateway with a worker, log sink, mock backends, routing policy or checks of one's own} */
    public static GatewayBuilder builder() {
        return new GatewayBuilder();
    }

    static Gateway start(Settings settings, Log log, Extensions extensions) {
        try {
            return new Gateway(settings, log, extensions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.server().host() + ":" + settings.server().port() + ": " + e.getMessage(), e);
        }
    }

    /** {@return the address clients use, such as {@code http://127.0.0.1:8080}} */
    public URI uri() {
        String host = settings.server().host().contains(":") ? "[" + settings.server().host() + "]" : settings.server().host();
        return URI.create("http://" + host + ":" + port());
    }

    /** {@return the port listened on: the one chosen by the system when {@code PORT} was 0} */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@return the routes served, as {@code "METHOD path"}: what the API reference must document} */
    public List<String> routes() {
        return router.routes();
    }

    /** {@return where replies come from: {@code echo}, the worker given, or the backends} */
    public String mode() {
        return worker.describe();
    }

    /**
     * Puts new settings in force without a restart, as SIGHUP does, and logs the changed keys by
     * name, never by value ({@link SettingsChange}: what applies at once, what needs a restart).
     * When backends or routing change, a new router takes new requests; those in flight end on
     * the old one, which is then closed. The reload's lines use the log level in force before it.
     *
     * @param next the settings read again, such as by {@link Settings#load}
     * @return what changed, and the settings now in force
     */
    public SettingsChange reload(Settings next) {
        return live.reload(next, worker);
    }

    /**
     * Stops taking new work while requests in flight go on: new API requests on open
     * connections get 503 {@code shutting_down}, and {@code /readyz} 503, so that a load
     * balancer sends clients elsewhere. {@link #close()} begins with it.
     */
    public void drain() {
        draining = true;
    }

    /**
     * Stops gracefully: drains, stops accepting connections, lets requests in flight
     * finish for up to SHUTDOWN_GRACE_SECONDS, then ends the streams still open with an
     * error frame and {@code [DONE]}, and closes every connection.
     */
    @Override
    public void close() {
        drain();
        // stop() closes the listener at once, then waits for the exchanges the JDK counts,
        // which include some whose client left mid-request and that never end: so the
        // gateway waits for its own requests in flight, then ends stop()'s wait itself.
        int stopSeconds = (int) settings.server().shutdownGrace().toSeconds() + CUT_SECONDS;
        Thread stopper = Thread.ofVirtual().start(() -> server.stop(stopSeconds));
        try {
            if (!router.awaitIdle(settings.server().shutdownGrace())) {
                router.cutStreams(ApiError.shuttingDown());
                router.awaitIdle(Duration.ofSeconds(CUT_SECONDS));
            }
            stopper.interrupt();
            stopper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        // Every request is logged by now: their spans, and the metrics once more, go out within the grace.
        telemetry.close(settings.server().shutdownGrace());
        departures.close();
        keys.close();
        worker.close();
        extensions.close();
    }

    /** The route of a model operation: open, under the in-flight cap, behind the key and limits. */
    private Router.Handler model(Operation operation, InFlightLimit inFlight, Access access) {
        return whileOpen(inFlight.guard(access.guard(new ModelEndpoint(operation, worker, live, extensions.check())::handle)));
    }

    /** A route that turns requests away with 503 {@code shutting_down} once the gateway drains. */
    private Router.Handler whileOpen(Router.Handler handler) {
        return exchange -> {
            if (draining) {
                throw ApiError.shuttingDown();
            }
            handler.handle(exchange);
        };
    }

    /** The key store of KEYS_FILE, beside the keys of API_KEYS in force. */
    private static KeyManagement openKeys(Path keysFile, LiveSettings live, Log log) {
        try {
            return KeyManagement.open(keysFile, () -> live.get().access().apiKeys(), log, Gateway::epochSeconds);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("KEYS_FILE: " + e.getMessage());
        }
    }

    private static long epochSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
