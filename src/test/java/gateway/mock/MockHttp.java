package gateway.mock;

import static org.junit.jupiter.api.Assertions.fail;

import gateway.json.Json;
import gateway.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Real HTTP against mocks on loopback, every call bounded in time. */
final class MockHttp {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    private MockHttp() {
    }

    static MockBackend start(MockOptions options) {
        return MockBackend.start("127.0.0.1", 0, options);
    }

    static HttpResponse<String> post(URI uri, String body) {
        return join(postAsync(uri, body));
    }

    static CompletableFuture<HttpResponse<String>> postAsync(URI uri, String body) {
        return CLIENT.sendAsync(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(URI uri) {
        return join(CLIENT.sendAsync(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException(e.getCause()));
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError("no answer within " + TIMEOUT, e);
        }
    }

    /** A chat request: {@code role, text, role, text...}. */
    static String chat(String... roleText) {
        var messages = new StringBuilder();
        for (int i = 0; i < roleText.length; i += 2) {
            messages.append(messages.isEmpty() ? "" : ",").append("{\"role\":").append(Json.quote(roleText[i]))
                    .append(",\"content\":").append(Json.quote(roleText[i + 1])).append('}');
        }
        return "{\"messages\":[" + messages + "]}";
    }

    static JsonObject json(String text) {
        return (JsonObject) Json.parse(text);
    }

    static JsonObject json(HttpResponse<String> response) {
        return json(response.body());
    }

    /** The payloads of an SSE body's {@code data:} lines, in order. */
    static List<String> dataLines(String body) {
        return Arrays.stream(body.split("\n")).filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
    }

    /**
     * Waits until a condition holds, checking it again and again (no fixed sleep), for at
     * most {@link #TIMEOUT}: for what the mock does on its own threads, such as a request
     * reaching its slot queue.
     */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + TIMEOUT + ": " + what);
            }
            Thread.yield();
        }
    }
}
