package gateway.mock;

import com.sun.net.httpserver.HttpExchange;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The part of the mock that speaks one API {@link Shape}: it reads a request and answers
 * it, and it words errors the way that API does. What every shape shares (the route
 * table, loading, refusals, injected delays and faults) stays in {@link MockBackend}.
 */
sealed interface Api permits OpenAiApi, PromptApi {

    static Api of(MockOptions options, Engine engine, Misbehaviour misbehaviour) {
        return options.shape() == Shape.OPENAI ? new OpenAiApi(options, engine, misbehaviour)
                : new PromptApi(options, engine);
    }

    /**
     * Answers a request whose faults have been rolled: takes a slot, processes the prompt,
     * replies. {@code arrived} is the {@link System#nanoTime()} the request came in at.
     */
    void serve(HttpExchange exchange, JsonObject body, long arrived) throws IOException, InterruptedException;

    /** An error in this API's format ({@code status} decides its type where the format has one). */
    void error(HttpExchange exchange, int status, String message) throws IOException;

    /** The 429 of {@code --rate-limit-rate}, with the retry hint this API gives. */
    void rateLimited(HttpExchange exchange) throws IOException;

    /** Every answer but a stream is one JSON document with its exact length. */
    static void send(HttpExchange exchange, int status, JsonValue json) throws IOException {
        byte[] bytes = json.toJson().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
