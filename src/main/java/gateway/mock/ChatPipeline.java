package gateway.mock;

import com.sun.net.httpserver.HttpExchange;
import gateway.json.Json;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The path of every chat, whatever its API shape: counted and remembered, refused while
 * the mock loads or cools down, delayed and perhaps failed on purpose, then handed to its
 * {@link Api}, which waits for a slot and answers. Refusals and injected faults come
 * first and cost no slot, as a server's front door turns requests away before its engine
 * sees them.
 */
final class ChatPipeline {
    private final Api api;
    private final Availability availability;
    private final Misbehaviour misbehaviour;
    private final AtomicInteger chatRequests = new AtomicInteger();
    private final AtomicInteger chatsInProgress = new AtomicInteger();
    private volatile MockBackend.Received lastRequest;
    /** The latest traceparent headers received, oldest first: a test sees which span called. */
    private final ArrayDeque<String> traceparents = new ArrayDeque<>();

    ChatPipeline(Api api, Availability availability, Misbehaviour misbehaviour) {
        this.api = api;
        this.availability = availability;
        this.misbehaviour = misbehaviour;
    }

    void handle(HttpExchange exchange) throws IOException {
        chatsInProgress.incrementAndGet();
        try {
            long arrived = System.nanoTime();
            JsonObject body = receive(exchange);
            if (availability.loading()) {
                api.error(exchange, 503, "Loading model");
            } else if (availability.cooldown().isPositive()) {
                exchange.getResponseHeaders().set("Retry-After", availability.retryAfterSeconds());
                api.error(exchange, 503, "Server is cooling down");
            } else {
                misbehaviour.delayFirstByte();
                if (misbehaviour.fails()) {
                    api.error(exchange, 500, "injected failure");
                } else if (misbehaviour.rateLimits()) {
                    api.rateLimited(exchange);
                } else {
                    api.serve(exchange, body, arrived);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the mock is closing while this request waited for a slot
        } finally {
            chatsInProgress.decrementAndGet();
        }
    }

    /** Reads and remembers the request; a body that is not a JSON object reads as {@code {}}. */
    private JsonObject receive(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        JsonObject body;
        try {
            body = Json.parse(bytes) instanceof JsonObject o ? o : JsonObject.builder().build();
        } catch (JsonException e) {
            body = JsonObject.builder().build();
        }
        chatRequests.incrementAndGet();
        var headers = new HashMap<String, List<String>>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), List.copyOf(values)));
        lastRequest = new MockBackend.Received(headers, body, new String(bytes, StandardCharsets.UTF_8));
        String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
        if (traceparent != null) {
            synchronized (traceparents) {
                if (traceparents.size() == MockBackend.TRACEPARENTS_KEPT) {
                    traceparents.removeFirst();
                }
                traceparents.addLast(traceparent);
            }
        }
        return body;
    }

    List<String> traceparents() {
        synchronized (traceparents) {
            return List.copyOf(traceparents);
        }
    }

    MockBackend.Received lastRequest() {
        return lastRequest;
    }

    int chatRequests() {
        return chatRequests.get();
    }

    int chatsInProgress() {
        return chatsInProgress.get();
    }
}
