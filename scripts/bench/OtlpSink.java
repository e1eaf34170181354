import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A collector for benchmarks and end-to-end checks: takes OTLP/HTTP exports and answers 200
 * {@code {}} at once, keeping each body in DIR (as 1.json, 2.json, … with its path and headers
 * in 1.txt, …) when one is named; or, with {@code hang}, accepts connections and never
 * answers, as a collector that is stuck does. Prints its start line as the gateway does, so
 * scripts find its port.
 *
 * <p>usage: {@code java scripts/bench/OtlpSink.java PORT [hang | DIR]}
 */
public final class OtlpSink {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        if (args.length > 1 && args[1].equals("hang")) {
            hang(port);
            return;
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Path keep = args.length > 1 && !args[1].isEmpty() ? Path.of(args[1]) : null;
        server.createContext("/", exchange -> accept(exchange, keep));
        server.start();
        started(server.getAddress().getPort());
    }

    private static final AtomicInteger received = new AtomicInteger();

    private static void accept(HttpExchange exchange, Path keep) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (keep != null) {
            int n = received.incrementAndGet();
            var about = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
            exchange.getRequestHeaders().forEach((name, values) -> about.append(name).append(": ").append(values).append('\n'));
            Files.writeString(keep.resolve(n + ".txt"), about);
            Files.write(keep.resolve(n + ".json"), body);
        }
        byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    /** Accepts every connection and keeps it open without reading or answering, until killed. */
    private static void hang(int port) throws IOException {
        try (var listener = new ServerSocket(port, 1024, java.net.InetAddress.getLoopbackAddress())) {
            started(listener.getLocalPort());
            List<Socket> held = new ArrayList<>();
            while (true) {
                held.add(listener.accept());
            }
        }
    }

    private static void started(int port) {
        System.out.println("{\"event\":\"otlp_sink_started\",\"url\":\"http://127.0.0.1:" + port + "\"}");
        System.out.flush();
    }
}
