package examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.Gateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Lesson 1: a gateway in a test, in three lines.
 *
 * <p>Teaches: the gateway is a library as well as a jar. {@code Gateway.builder()} makes one,
 * {@code port(0)} lets the system pick a free port (so tests never collide), {@code start()}
 * starts it, and try-with-resources closes it. With no backend set it answers by itself,
 * echoing the prompt: the "echo mode". It is called as any OpenAI-compatible server is, here
 * with the JDK's own {@code java.net.http}.
 *
 * <p>Exercise: ask for {@code "stream": true} and print the Server-Sent Events the echo sends,
 * one {@code data:} line per word; then set {@code setting("ECHO_TOKEN_DELAY_MS", "500")} on the
 * builder and watch them arrive.
 */
class Lesson1StartTest {

    @Test
    void aGatewayStartsInATestAndAnswersAChat() throws Exception {
        try (var gateway = Gateway.builder().port(0).start()) {      // 1. build and start, on a free port
            var client = HttpClient.newHttpClient();                     // 2. any HTTP client will do
            var request = HttpRequest.newBuilder(gateway.uri().resolve("/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"messages": [{"role": "user", "content": "hello world"}]}"""))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString()); // 3. ask

            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("\"content\":\"Echo: hello world\""), response.body());
            // Its log lines, one JSON object per line, went to standard output: see the test's output.
        }
    }
}
