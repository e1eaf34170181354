import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A collector for benchmarks: takes OTLP/HTTP exports and answers 200 {@code {}} at once,
 * or, with {@code hang}, accepts connections and never answers, as a collector that is
 * stuck does. Prints its start line as the gateway does, so scripts find its port.
 *
 * <p>usage: {@code java scripts/bench/OtlpSink.java PORT [hang]}
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
        server.createContext("/", OtlpSink::accept);
        server.start();
        started(server.getAddress().getPort());
    }

    private static void accept(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
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
