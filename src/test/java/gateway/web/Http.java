package gateway.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Real HTTP against a gateway on loopback, for the API reference's tests. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Http() {
    }

    /** An answer: its status, its headers by lower-case name, its body. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
        /** The media type, without its parameters. */
        String mediaType() {
            return headers.getOrDefault("content-type", List.of("")).getFirst().split(";")[0].strip();
        }
    }

    /** Sends a request; {@code body} null sends none. {@code headers}: name, value, name, value… */
    static Answer send(String method, URI uri, String body, String... headers) {
        var request = HttpRequest.newBuilder(uri)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            var response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            var byName = new TreeMap<String, List<String>>();
            response.headers().map().forEach((name, values) -> byName.put(name.toLowerCase(Locale.ROOT), values));
            return new Answer(response.statusCode(), byName, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a streamed POST: returns once the answer's headers are in, its body to be read line by line. */
    static BufferedReader open(URI uri, String body, String... headers) {
        var request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            var answer = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One Server-Sent Event: its name (its {@code event:} line; null when it has none) and its data. */
    record Event(String name, String data) {
    }

    /** The events of an SSE body, in order; comments (keep-alives) are no events. */
    static List<Event> events(String body) {
        var events = new ArrayList<Event>();
        String name = null;
        String data = null;
        for (String line : (body + "\n\n").lines().toList()) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(name, data));
                }
                name = null;
                data = null;
            } else if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = data == null ? line.substring(6) : data + "\n" + line.substring(6);
            }
        }
        return events;
    }

    /** The payloads of an SSE body's {@code data:} lines, in order. */
    static List<String> dataFrames(String body) {
        return body.lines().filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
    }
}
