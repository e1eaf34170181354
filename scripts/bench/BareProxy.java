import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The floor under the gateway: the JDK's HTTP server on virtual threads handing each
 * request to the JDK's HTTP client, configured as the gateway configures them, and none
 * of the gateway's work (no parsing, checks, keys, limits, usage, log or metrics). Bytes
 * are copied as they come and flushed at once, so streams pass frame by frame. Without a
 * backend it answers every request with one fixed completion: the floor under echo mode.
 *
 * <p>usage: {@code BareProxy PORT [BACKEND_BASE_URL]}
 */
public final class BareProxy {
    public static void main(String[] args) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.setProperty("jdk.httpclient.bufsize", "4096");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        if (args.length < 2) {
            server.createContext("/", BareProxy::answer);
            server.start();
            return;
        }
        URI backend = URI.create(args[1]);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run) // as the gateway's BackendClient: its tasks on its selector thread
                .build();
        server.createContext("/", exchange -> forward(client, backend, exchange));
        server.start();
    }

    private static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-bare\",\"object\":\"chat.completion\",\"created\":0,"
            + "\"model\":\"echo\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Echo: count\"},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}")
            .getBytes(StandardCharsets.UTF_8);

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, COMPLETION.length);
            exchange.getResponseBody().write(COMPLETION);
        }
    }

    private static void forward(HttpClient client, URI backend, HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpRequest request = HttpRequest.newBuilder(backend.resolve(exchange.getRequestURI()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()))
                    .build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("application/json");
            exchange.getResponseHeaders().set("Content-Type", type);
            long length = response.headers().firstValueAsLong("Content-Length").orElse(0); // 0: chunked
            exchange.sendResponseHeaders(response.statusCode(), length);
            try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
