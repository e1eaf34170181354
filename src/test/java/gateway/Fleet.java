package gateway;

import static org.junit.jupiter.api.Assertions.fail;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Several backends behind one gateway, for the routing tests: mock backends started on
 * free ports (and any other addresses given), named b1, b2, … in order, and the gateway
 * with {@code BACKENDS} and their URLs set, an admin key, and the settings a test adds
 * (per-backend ones included, such as {@code BACKEND_B1_SLOTS}). Closing it closes all.
 */
public final class Fleet implements AutoCloseable {
    static final String ADMIN_KEY = "sk-admin-fleet";

    final List<MockBackend> mocks;
    final Gateway gateway;
    final List<String> log = new CopyOnWriteArrayList<>();

    private Fleet(List<MockBackend> mocks, List<URI> others, String... settings) {
        this.mocks = mocks;
        var urls = new ArrayList<URI>();
        mocks.forEach(mock -> urls.add(mock.uri()));
        urls.addAll(others);
        var values = new HashMap<String, String>();
        values.put("PORT", "0");
        values.put("ADMIN_API_KEY", ADMIN_KEY);
        var names = new ArrayList<String>();
        for (int i = 0; i < urls.size(); i++) {
            names.add("b" + (i + 1));
            values.put("BACKEND_B" + (i + 1) + "_URL", urls.get(i).toString());
        }
        values.put("BACKENDS", String.join(",", names));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        this.gateway = Gateway.start(Settings.from(values), new Log(log::add));
    }

    /** A mock per options, then the gateway with {@code settings} (KEY, value, KEY, value, …). */
    static Fleet of(List<MockOptions> options, String... settings) {
        return new Fleet(options.stream().map(o -> MockBackend.start("127.0.0.1", 0, o)).toList(), List.of(), settings);
    }

    /** The gateway over backends already running elsewhere (stubs, a closed port), named b1, b2, … in order. */
    static Fleet over(List<URI> backends, String... settings) {
        return new Fleet(List.of(), backends, settings);
    }

    MockBackend mock(int index) {
        return mocks.get(index);
    }

    URI chat() {
        return gateway.uri().resolve("/v1/chat/completions");
    }

    /** A chat with one user message, for {@code model} (null: none named), with extra headers. */
    HttpResponse<String> ask(String model, String text, String... headers) {
        String field = model == null ? "" : "\"model\":\"" + model + "\",";
        return TestHttp.post(chat(), "{" + field + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}", headers);
    }

    /** The backend that answered, from {@code X-Gateway-Backend}. */
    static String servedBy(HttpResponse<String> response) {
        return response.headers().firstValue("X-Gateway-Backend").orElse(null);
    }

    JsonObject admin() {
        return TestHttp.json(TestHttp.get(gateway.uri().resolve("/admin/backends"), "Authorization", "Bearer " + ADMIN_KEY));
    }

    /** One backend's entry of {@code /admin/backends}. */
    JsonObject backend(String name) {
        for (JsonValue entry : admin().array("data").orElseThrow().values()) {
            if (((JsonObject) entry).string("name").orElseThrow().equals(name)) {
                return (JsonObject) entry;
            }
        }
        throw new AssertionError("no backend " + name + " in " + admin().toJson());
    }

    JsonObject metrics() {
        return TestHttp.json(TestHttp.get(gateway.uri().resolve("/metrics")));
    }

    long queueDepth() {
        return metrics().object("queue").orElseThrow().longValue("depth").orElseThrow();
    }

    /** The request log lines, parsed. */
    List<JsonObject> requestLines() {
        return log.stream().map(TestHttp::json).filter(line -> line.string("event").orElse("").equals("request")).toList();
    }

    /**
     * Waits until {@code condition} holds, asking every 20 ms, for up to 10 s.
     * For states the gateway reaches on its own thread (a request queued, a client's
     * departure noticed), which no response announces.
     */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 10 s: " + what);
            }
            LockSupport.parkNanos(20_000_000); // a poll's interval: the condition is asked of the gateway over HTTP
        }
    }

    @Override
    public void close() {
        gateway.close();
        mocks.forEach(MockBackend::close);
    }
}
