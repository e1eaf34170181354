package gateway.browser;

import gateway.json.Json;
import gateway.json.JsonBoolean;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One WebSocket connection to Chromium's DevTools endpoint, speaking the Chrome DevTools
 * Protocol: JSON text frames {@code {"id","method","params","sessionId"}} out, replies
 * {@code {"id","result"|"error"}} and events {@code {"method","params","sessionId"}} in.
 * A command without a session goes to the browser; with one, to the page attached as that
 * session ({@code Target.attachToTarget} with {@code flatten:true}).
 *
 * <p>Threading: the JDK calls the listener one frame at a time, so events reach
 * {@link #onEvent} listeners in the order Chromium sent them, and every event sent before a
 * reply has been dispatched by the time that reply's future completes. Failures are
 * {@link BrowserException}s.
 */
final class Cdp implements AutoCloseable {
    /** How long a command may take unless the caller says otherwise; page commands answer in milliseconds. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    /** An event: its method ({@code Page.loadEventFired}), its params, and its session (null: the browser). */
    record Event(String method, JsonObject params, String sessionId) {
    }

    private final HttpClient client;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    /** Why the connection ended, once it has: later commands fail at once instead of timing out. */
    private volatile String closed;

    /** Connects to {@code endpoint} ({@code ws://127.0.0.1:<port>/devtools/browser/<id>}); closing closes {@code client}. */
    Cdp(HttpClient client, URI endpoint) {
        this.client = client;
        // The JDK client sends no Origin header, so Chromium accepts it without --remote-allow-origins.
        socket = client.newWebSocketBuilder().connectTimeout(COMMAND_TIMEOUT)
                .buildAsync(endpoint, new Listener()).orTimeout(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Sends a command and waits for its result; a CDP error or a timeout is thrown as {@link BrowserException}. */
    JsonObject call(String method, JsonObject params, String sessionId) {
        return await(send(method, params, sessionId), method, COMMAND_TIMEOUT);
    }

    /** Sends a command; the future completes with its result, or exceptionally with a {@link BrowserException}. */
    CompletableFuture<JsonObject> send(String method, JsonObject params, String sessionId) {
        long id = ids.incrementAndGet();
        var message = JsonObject.builder().put("id", id).put("method", method).put("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        var reply = new CompletableFuture<JsonObject>();
        pending.put(id, reply);
        if (closed != null) {
            failPending(closed);
            return reply;
        }
        // WebSocket allows one outstanding send at a time: callers on several threads take turns.
        synchronized (this) {
            try {
                socket.sendText(message.build().toJson(), true).join();
            } catch (CompletionException e) {
                pending.remove(id);
                reply.completeExceptionally(new BrowserException("cannot send: " + e.getCause(), e.getCause()));
            }
        }
        return reply;
    }

    /** Waits for a command's future, turning a timeout into an exception that names the command. */
    static JsonObject await(CompletableFuture<JsonObject> reply, String method, Duration timeout) {
        try {
            return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof BrowserException failure) {
                throw new BrowserException(method + ": " + failure.getMessage(), failure);
            }
            throw new BrowserException(method + ": no answer within " + timeout.toMillis() + " ms", e.getCause());
        }
    }

    /** Calls {@code listener} for every event from now on, until the returned action is run. */
    Runnable onEvent(Consumer<Event> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The params of the next event named {@code method} in {@code sessionId}; register before causing it. */
    CompletableFuture<JsonObject> nextEvent(String method, String sessionId) {
        var next = new CompletableFuture<JsonObject>();
        Runnable stop = onEvent(event -> {
            if (event.method().equals(method) && Objects.equals(event.sessionId(), sessionId)) {
                next.complete(event.params());
            }
        });
        next.whenComplete((params, failure) -> stop.run());
        return next;
    }

    /** Builds command params from name/value pairs: strings, numbers, booleans or JSON values. */
    static JsonObject params(Object... pairs) {
        var params = JsonObject.builder();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put((String) pairs[i], switch (pairs[i + 1]) {
                case JsonValue json -> json;
                case String s -> new JsonString(s);
                case Boolean b -> JsonBoolean.of(b);
                case Integer n -> JsonNumber.of(n);
                case Long n -> JsonNumber.of(n);
                case Double d -> JsonNumber.of(d);
                default -> throw new IllegalArgumentException("not a JSON value: " + pairs[i + 1]);
            });
        }
        return params.build();
    }

    @Override
    public void close() {
        socket.abort();
        client.close();
        failPending("the browser connection is closed");
    }

    private void failPending(String why) {
        closed = why;
        pending.values().forEach(reply -> reply.completeExceptionally(new BrowserException(why)));
        pending.clear();
    }

    /** Dispatches one whole message: a reply completes its command's future, an event goes to the listeners. */
    private void dispatch(String text) {
        JsonObject message = (JsonObject) Json.parse(text);
        var id = message.longValue("id");
        if (id.isPresent()) {
            var reply = pending.remove(id.get());
            if (reply != null) {
                message.object("error").ifPresentOrElse(
                        error -> reply.completeExceptionally(new BrowserException(error.string("message").orElse("error")
                                + error.string("data").map(data -> " (" + data + ")").orElse(""))),
                        () -> reply.complete(message.object("result").orElse(JsonObject.builder().build())));
            }
            return;
        }
        var event = new Event(message.string("method").orElseThrow(),
                message.object("params").orElse(JsonObject.builder().build()), message.string("sessionId").orElse(null));
        listeners.forEach(listener -> listener.accept(event));
    }

    /** Reassembles text frames: a large message (a screenshot) arrives in parts until {@code last}. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String text = message.toString();
                message.setLength(0);
                dispatch(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failPending("the browser closed the connection (" + statusCode + " " + reason + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failPending("the browser connection failed: " + error);
        }
    }
}
