package gateway;

import gateway.json.Json;
import gateway.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A client for the tests (of every package): real HTTP against servers on loopback. */
public final class TestHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestHttp() {
    }

    public static HttpResponse<String> post(URI uri, String body, String... headers) {
        var request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public static HttpResponse<String> get(URI uri, String... headers) {
        var request = HttpRequest.newBuilder(uri).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends raw bytes on a connection of its own (HttpClient refuses malformed requests and
     * keeps connections open) and reads the whole answer, until the server closes.
     */
    public static String raw(int port, String request) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Opens a streamed POST and returns the response whose body is read line by line. */
    public static HttpResponse<InputStream> open(URI uri, String body, String... headers) {
        var request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payloads of an SSE body's {@code data:} lines, in order. */
    public static List<String> dataLines(String body) {
        List<String> data = new ArrayList<>();
        try (var reader = new BufferedReader(new java.io.StringReader(body))) {
            reader.lines().filter(line -> line.startsWith("data: ")).forEach(line -> data.add(line.substring(6)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return data;
    }

    /** Reads the next {@code data:} payload from a live stream, or null at its end. */
    public static String nextData(BufferedReader reader) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        return null;
    }

    public static BufferedReader lines(HttpResponse<InputStream> response) {
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    public static JsonObject json(String text) {
        return (JsonObject) Json.parse(text);
    }

    public static JsonObject json(HttpResponse<String> response) {
        return json(response.body());
    }

    /** error.code of an OpenAI error body. */
    public static String errorCode(HttpResponse<String> response) {
        return json(response).object("error").orElseThrow().string("code").orElse(null);
    }
}
