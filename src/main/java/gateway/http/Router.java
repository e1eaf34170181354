package gateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import gateway.observe.Log;
import gateway.observe.Metrics;
import gateway.telemetry.Telemetry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends each request to the handler of its path and method, and guards the
 * exchange: whatever happens, the client gets a proper answer (a JSON error in OpenAI's
 * shape at worst, never a reset connection), and the request is logged and measured
 * once its last byte is written.
 */
public final class Router implements HttpHandler {

    /**
     * Answers one request. Throw an {@link ApiError} to answer with that error; an
     * {@link IOException} means the client's connection failed (it went away).
     */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    /** By exact path, then method. */
    private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();
    /** Paths with {@code {name}} segments, such as {@code /admin/keys/{id}}, tried in turn after the exact ones. */
    private final Map<PathTemplate, Map<String, Handler>> templates = new LinkedHashMap<>();
    /** The requests being served; also the monitor {@link #awaitIdle} waits on. */
    private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();
    private final Metrics metrics;
    private final Log log;
    private final Cors cors;
    private final Departures departures;
    private final Telemetry telemetry;

    public Router(Metrics metrics, Log log, Cors cors, Departures departures, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.metrics = metrics;
        this.log = log;
        this.cors = cors;
        this.departures = departures;
    }

    /**
     * Adds a route. A path segment written {@code {name}} matches any one segment, which
     * the handler reads with {@link Exchange#pathParameter}.
     */
    public Router route(String method, String path, Handler handler) {
        var byMethod = path.contains("{")
                ? templates.computeIfAbsent(new PathTemplate(path), t -> new LinkedHashMap<>())
                : routes.computeIfAbsent(path, p -> new LinkedHashMap<>());
        byMethod.put(method, handler);
        return this;
    }

    /** Every route, as {@code "METHOD path"} in the order added (the API reference is checked against it). */
    public List<String> routes() {
        var all = new ArrayList<String>();
        routes.forEach((path, byMethod) -> byMethod.keySet().forEach(method -> all.add(method + " " + path)));
        templates.forEach((path, byMethod) -> byMethod.keySet().forEach(method -> all.add(method + " " + path.template())));
        return all;
    }

    /**
     * Serves one exchange.
     *
     * @throws IOException only after the request is logged, when its connection must be
     *     dropped: it broke, or an early answer closes it (see {@link Exchange#end}). This
     *     tells the JDK server to forget the connection now; without it the server keeps
     *     the connection of a client that left mid-request, with its buffers (some 6 KiB),
     *     until REQUEST_READ_TIMEOUT_SECONDS.
     */
    @Override
    public void handle(HttpExchange http) throws IOException {
        var exchange = new Exchange(http, metrics, departures, telemetry);
        inFlight.add(exchange);
        try {
            metrics.requestStarted();
            try {
                serve(exchange);
            } finally {
                metrics.requestEnded();
                if (exchange.openedEventStream()) {
                    metrics.streamClosed();
                }
                var summary = exchange.summary();
                metrics.record(summary);
                log.request(summary);
                telemetry.ended(summary, exchange.trace());
            }
        } finally {
            // Only now is the last byte written (closing the exchange ends a chunked body).
            exchange.finish();
            inFlight.remove(exchange);
            if (inFlight.isEmpty()) {
                synchronized (inFlight) {
                    inFlight.notifyAll();
                }
            }
        }
        if (!exchange.reusable()) {
            exchange.lingerBeforeDrop();
            throw new IOException("the connection of request " + exchange.requestId() + " is dropped");
        }
    }

    /**
     * Waits until no request is in flight, for at most {@code timeout}.
     *
     * @return true when none is left
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (inFlight) {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(inFlight, left);
            }
            return true;
        }
    }

    /**
     * Ends every event stream still open with {@code error} and {@code [DONE]}, at the end
     * of the shutdown grace. Their handlers stop at their next write (a frame, or a
     * keep-alive within 300 ms), closing their backend calls; each is logged as usual.
     */
    public void cutStreams(ApiError error) {
        inFlight.forEach(exchange -> exchange.cutAtShutdown(error));
    }

    private void serve(Exchange exchange) {
        try {
            try {
                if (!adminOnly(exchange.path())) {
                    cors.addHeaders(exchange);
                }
                handlerFor(exchange).handle(exchange);
            } catch (ApiError error) {
                exchange.fail(error);
            } catch (IOException clientGone) {
                exchange.cancelledByClient();
            } catch (RuntimeException bug) {
                log.unexpected(exchange.requestId(), bug);
                exchange.fail(ApiError.internal(exchange.requestId()));
            }
        } catch (IOException clientGone) {
            // the error could not be delivered either
            exchange.cancelledByClient();
        }
    }

    /**
     * The admin API answers no browser but the gateway's own pages: no CORS headers, even
     * for an allowed origin, so no other site's script can read or change it with a key
     * it got hold of.
     */
    private static boolean adminOnly(String path) {
        return path.startsWith("/admin/");
    }

    private Handler handlerFor(Exchange exchange) {
        String path = exchange.path();
        Map<String, Handler> byMethod = routes.get(path);
        for (var template = templates.entrySet().iterator(); byMethod == null && template.hasNext(); ) {
            var candidate = template.next();
            var parameters = candidate.getKey().match(path);
            if (parameters != null) {
                exchange.pathParameters(parameters);
                path = candidate.getKey().template(); // the route's name in logs and metrics: bounded
                byMethod = candidate.getValue();
            }
        }
        if (byMethod == null) {
            throw ApiError.notFound(exchange.method(), exchange.path());
        }
        if (cors.isPreflight(exchange) && !adminOnly(path)) {
            exchange.route("OPTIONS " + path);
            String methods = String.join(", ", byMethod.keySet());
            return preflight -> cors.answerPreflight(preflight, methods);
        }
        Handler handler = byMethod.get(exchange.method());
        if (handler == null) {
            throw ApiError.methodNotAllowed(exchange.method(), exchange.path(), String.join(", ", byMethod.keySet()));
        }
        exchange.route(exchange.method() + " " + path);
        return handler;
    }
}
