package gateway.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The site {@link BrowserHarnessTest} drives, on 127.0.0.1 and a free port:
 * <ul>
 * <li>{@code GET /} and {@code /harness.js}: the page in {@code src/test/resources/gateway/browser/},
 *     with the UI's security headers ({@code /?csp=none} leaves the CSP out);
 * <li>{@code POST /stream}: an SSE stream of two events, then, once {@link #releaseStream() released},
 *     an event per write until a write fails because the page has gone (or five seconds pass).
 * </ul>
 * One stream per site: the latch and the outcome are single-use.
 */
final class HarnessSite implements AutoCloseable {
    /** The Content-Security-Policy every UI answer carries (the UI contract). */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
            + "require-trusted-types-for 'script'; trusted-types 'none'";
    /** How long /stream writes on after its release when every write succeeds: the page never left. */
    static final int STREAM_SECONDS = 5;

    private final HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<IOException> streamEnd = new CompletableFuture<>();

    HarnessSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::file);
        server.createContext("/stream", this::stream);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}, the page's origin. */
    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Lets /stream go on after its first two events. */
    void releaseStream() {
        release.countDown();
    }

    /** How /stream ended: the IOException of the write that failed, or null when every write went through. */
    CompletableFuture<IOException> streamEnd() {
        return streamEnd;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void file(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String name = path.equals("/") ? "harness.html" : path.equals("/harness.js") ? "harness.js" : null;
            byte[] body = name == null ? "not found".getBytes(StandardCharsets.UTF_8) : resource(name);
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", name == null ? "text/plain"
                    : name.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8");
            if (!"csp=none".equals(exchange.getRequestURI().getQuery())) {
                headers.set("Content-Security-Policy", CSP);
            }
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(name == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private void stream(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            try {
                send(out, "1");
                send(out, "2");
                release.await(10, TimeUnit.SECONDS);
                // The first write after the page left is usually accepted (the kernel buffers it and
                // the peer answers with a reset); the one after fails. Keep writing until one does.
                Instant deadline = Instant.now().plusSeconds(STREAM_SECONDS);
                for (int n = 3; Instant.now().isBefore(deadline); n++) {
                    send(out, Integer.toString(n));
                }
                streamEnd.complete(null);
            } catch (IOException e) {
                streamEnd.complete(e);
            } catch (InterruptedException e) {
                streamEnd.completeExceptionally(e);
            }
        }
    }

    private static void send(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush(); // the JDK's chunked stream buffers 4 KiB otherwise
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HarnessSite.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
