package gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A backend that answers exactly what a test scripts, to imitate real servers' quirks
 * and failures: a status, a content type, and a body sent as a list of pieces, each
 * written and flushed on its own. A piece may wait for the test ({@link #step}) so a
 * test can see whether each piece reaches the client before the next one is sent.
 */
final class StubBackend implements AutoCloseable {
    /** A piece that waits for the test to call {@link #release()} before the stub goes on. */
    static final String WAIT = "\u0000wait";
    /** A piece that pauses 20 ms: a backend generating tokens at its own pace. */
    static final String PAUSE = "\u0000pause";

    record Reply(int status, String contentType, List<String> pieces, String... headers) {
    }

    private final HttpServer server;
    private volatile Reply reply;
    /** True when GET requests (health checks, model lists) are answered outside the script. */
    private volatile boolean healthy;
    private final LinkedBlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<List<String>> traceHeaders = new LinkedBlockingQueue<>();
    private final Semaphore steps = new Semaphore(0);
    final CountDownLatch clientWentAway = new CountDownLatch(1);

    StubBackend(Reply reply) throws IOException {
        this.reply = reply;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    static StubBackend json(int status, String body) throws IOException {
        return new StubBackend(new Reply(status, "application/json", List.of(body)));
    }

    static StubBackend events(String... pieces) throws IOException {
        return new StubBackend(new Reply(200, "text/event-stream", List.of(pieces)));
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void reply(Reply reply) {
        this.reply = reply;
    }

    /**
     * From now on, answers GET requests outside the script and without recording them:
     * {@code /health} with 200 {"status":"ok"}, anything else (the model list) with 404. The
     * health checks of a gateway with several backends then neither take the script's steps
     * nor show among the requests, and the stub takes any model name.
     */
    StubBackend healthy() {
        this.healthy = true;
        return this;
    }

    /** The body of the next request received, waiting up to 5 s. */
    String takeRequest() throws InterruptedException {
        return requests.poll(5, TimeUnit.SECONDS);
    }

    /** The body of a request already received, or null. */
    String takeRequestNow() {
        return requests.poll();
    }

    /** The Authorization header of the next request received ("" when absent). */
    String takeAuthorization() throws InterruptedException {
        return authorizations.poll(5, TimeUnit.SECONDS);
    }

    /** The {@code traceparent} and {@code tracestate} (each null when absent) of the next request received. */
    List<String> takeTraceHeaders() throws InterruptedException {
        return traceHeaders.poll(5, TimeUnit.SECONDS);
    }

    /** Lets a stub waiting at a {@link #WAIT} piece go on. */
    void release() {
        steps.release();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply r = reply;
            if (healthy && exchange.getRequestMethod().equals("GET")) {
                r = exchange.getRequestURI().getPath().equals("/health")
                        ? new Reply(200, "application/json", List.of("{\"status\":\"ok\"}"))
                        : new Reply(404, "application/json", List.of("{\"error\":\"not found\"}"));
            } else {
                requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                authorizations.add(auth == null ? "" : auth);
                var headers = exchange.getRequestHeaders();
                traceHeaders.add(Arrays.asList(headers.getFirst("traceparent"), headers.getFirst("tracestate")));
            }
            exchange.getResponseHeaders().set("Content-Type", r.contentType());
            for (int i = 0; i + 1 < r.headers().length; i += 2) {
                exchange.getResponseHeaders().set(r.headers()[i], r.headers()[i + 1]);
            }
            exchange.sendResponseHeaders(r.status(), 0);
            OutputStream out = exchange.getResponseBody();
            out.flush(); // the headers leave now, whatever the body does
            try {
                for (String piece : r.pieces()) {
                    if (piece.equals(WAIT)) {
                        steps.acquire();
                        continue;
                    } else if (piece.equals(PAUSE)) {
                        Thread.sleep(20);
                        continue;
                    }
                    out.write(piece.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                clientWentAway.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        steps.release(1000);
        server.stop(0);
    }
}
