package gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.Gateway;
import gateway.config.Settings;
import gateway.http.ApiError;
import gateway.json.Json;
import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every error the gateway answers is in the API reference under its status, with the
 * headers it carries and the Error schema: those that requests provoke on real gateways
 * (checked to happen as the table says, so the table cannot lie either), and every error
 * {@link ApiError}'s factories can make, including those only a failing backend provokes.
 */
class OpenApiErrorsTest {
    static final String CHAT = "POST /v1/chat/completions";
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}";
    static final String[] KEY = {"Authorization", "Bearer " + OpenApiDocumentTest.KEY};

    static Gateway gateway;
    static OpenApi api;

    @BeforeAll
    static void start() {
        gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "0", "MAX_BODY_BYTES", "1000",
                "ADMIN_API_KEY", OpenApiDocumentTest.ADMIN_KEY, "API_KEYS", "alice:" + OpenApiDocumentTest.KEY,
                "CORS_ALLOW_ORIGINS", "http://app.example")), new Log(line -> { }));
        api = OpenApiDocumentTest.served(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** A request that provokes an error, the error, and the route documenting it (null: any route's response of that status). */
    record Case(String name, int status, String code, String route, Supplier<HttpResponse<String>> call) {
    }

    @Test
    void whatRequestsProvokeIsDocumented() {
        URI chat = gateway.uri().resolve("/v1/chat/completions");
        var cases = List.of(
                new Case("a body that is not JSON", 400, "invalid_json", CHAT, () -> Http.send("POST", chat, "{\"messages\":", KEY)),
                new Case("a body that is not an object", 400, "invalid_request", CHAT, () -> Http.send("POST", chat, "[1]", KEY)),
                new Case("a stream that is not a boolean", 400, "invalid_stream", CHAT,
                        () -> Http.send("POST", chat, HELLO.replace("{", "{\"stream\":\"yes\","), KEY)),
                new Case("stream options without a stream", 400, "invalid_stream_options", CHAT,
                        () -> Http.send("POST", chat, HELLO.replace("{", "{\"stream_options\":{},"), KEY)),
                new Case("a message of no known role", 400, "invalid_messages", CHAT,
                        () -> Http.send("POST", chat, HELLO.replace("user", "robot"), KEY)),
                new Case("no key", 401, "unauthorized", CHAT, () -> Http.send("POST", chat, HELLO)),
                new Case("a wrong admin key", 401, "unauthorized", "GET /admin/backends",
                        () -> Http.send("GET", gateway.uri().resolve("/admin/backends"), null, KEY)),
                new Case("a body over MAX_BODY_BYTES", 413, "request_too_large", CHAT,
                        () -> Http.send("POST", chat, HELLO.replace("hello", "x".repeat(1000)), KEY)),
                new Case("an unknown path", 404, "not_found", null, () -> Http.send("GET", gateway.uri().resolve("/v2/nothing"), null)),
                new Case("a wrong method", 405, "method_not_allowed", null,
                        () -> Http.send("DELETE", gateway.uri().resolve("/v1/models"), null, KEY)),
                new Case("a preflight from an origin not allowed", 403, "origin_not_allowed", null,
                        () -> Http.send("OPTIONS", chat, null, "Origin", "http://elsewhere.example", "Access-Control-Request-Method", "POST")));
        cases.forEach(OpenApiErrorsTest::assertDocumented);
    }

    /**
     * One caller, one slot, one request a minute: a second request while a stream runs is
     * turned away (503), the next is over the limit (429), and one after the drain began is
     * told the gateway stops (503).
     */
    @Test
    void refusalsOfABusyLimitedOrStoppingGatewayAreDocumented() throws Exception {
        try (var limited = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "100",
                "MAX_REQUESTS_IN_FLIGHT", "1", "RATE_LIMIT_RPM", "1", "RATE_LIMIT_BURST", "1")), new Log(line -> { }))) {
            URI chat = limited.uri().resolve("/v1/chat/completions");
            var stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(chat)
                    .POST(HttpRequest.BodyPublishers.ofString(HELLO.replace("{", "{\"stream\":true,"))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (var lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                assertTrue(lines.readLine().startsWith("data: "));
                assertDocumented(new Case("a request while the only slot streams", 503, "overloaded", CHAT,
                        () -> Http.send("POST", chat, HELLO)));
                while (lines.readLine() != null) {
                    // to the end of the stream
                }
            }
            assertDocumented(new Case("a second request within the minute", 429, "rate_limit_exceeded", CHAT, () -> {
                var answer = Http.send("POST", chat, HELLO);
                for (long deadline = System.nanoTime() + 2_000_000_000L; answer.statusCode() == 503 && System.nanoTime() < deadline; ) {
                    answer = Http.send("POST", chat, HELLO); // the stream's slot is released just after its last byte
                }
                return answer;
            }));
            limited.drain();
            assertDocumented(new Case("a request while the gateway stops", 503, "shutting_down", CHAT,
                    () -> Http.send("POST", chat, HELLO)));
        }
    }

    /** A model nobody serves, a backend failing, and a stream cut by its backend: the last ends with the documented error frame. */
    @Test
    void backendFailuresAreDocumented() {
        try (var ok = MockBackend.start("127.0.0.1", 0, words().models("mock-model").build());
                var bad = MockBackend.start("127.0.0.1", 0, words().models("bad-model").errorRate(1).build());
                var cut = MockBackend.start("127.0.0.1", 0, words().models("cut-model").cutRate(1).build())) {
            var settings = new HashMap<String, String>(Map.of("PORT", "0", "BACKENDS", "ok,bad,cut"));
            for (var mock : Map.of("OK", ok, "BAD", bad, "CUT", cut).entrySet()) {
                settings.put("BACKEND_" + mock.getKey() + "_URL", mock.getValue().uri().toString());
                settings.put("BACKEND_" + mock.getKey() + "_MODELS", mock.getValue().options().model());
            }
            try (var backed = Gateway.start(Settings.from(settings), new Log(line -> { }))) {
                URI chat = backed.uri().resolve("/v1/chat/completions");
                assertDocumented(new Case("a model no backend serves", 404, "model_not_found", CHAT,
                        () -> Http.send("POST", chat, HELLO.replace("{", "{\"model\":\"nope\","))));
                assertDocumented(new Case("a backend answering 500", 502, "backend_error", CHAT,
                        () -> Http.send("POST", chat, HELLO.replace("{", "{\"model\":\"bad-model\","))));

                var answer = Http.send("POST", chat, HELLO.replace("{", "{\"model\":\"cut-model\",\"stream\":true,"));
                assertEquals(200, answer.statusCode());
                var frames = Http.dataFrames(answer.body());
                var error = (JsonObject) Json.parse(frames.get(frames.size() - 2));
                assertEquals("backend_error", error.object("error").orElseThrow().string("code").orElseThrow(), answer.body());
                var documented = api.response(api.operation(CHAT), 200);
                assertEquals(List.of(), api.problems(documented, answer), answer.body());
                assertTrue(OpenApi.codes(api.response(api.operation(CHAT), 502)).contains("backend_error"));
            }
        }
    }

    private static MockOptions.Builder words() {
        return MockOptions.builder().reply("one two three four five six");
    }

    /** Every error ApiError's factories make, made with placeholder arguments, is in a documented response of its status. */
    @Test
    void everyErrorApiErrorCanMakeIsDocumented() throws Exception {
        int made = 0;
        for (Method factory : ApiError.class.getMethods()) {
            // invalidRequest's codes are its callers': the request checks, provoked in OpenApiDocumentTest.
            if (Modifier.isStatic(factory.getModifiers()) && factory.getReturnType() == ApiError.class
                    && !factory.getName().equals("invalidRequest")) {
                Object[] arguments = new Object[factory.getParameterCount()];
                for (int i = 0; i < arguments.length; i++) {
                    arguments[i] = placeholder(factory.getParameterTypes()[i]);
                }
                var error = (ApiError) factory.invoke(null, arguments);
                assertTrue(documentedCodes(error.status()).contains(error.code()),
                        factory.getName() + ": " + error.status() + " " + error.code() + " is not documented");
                error.headers().keySet().forEach(header -> assertTrue(documentedHeaders(error.status()).contains(header.toLowerCase(Locale.ROOT)),
                        factory.getName() + ": the header " + header + " of " + error.status() + " is not documented"));
                made++;
            }
        }
        assertTrue(made >= 15, "factories: " + made);
        var limited = api.response(api.operation(CHAT), 429);
        ApiError.RETRY_HEADERS.forEach(header -> assertTrue(api.headers(limited).contains(header.toLowerCase(Locale.ROOT)), header));
    }

    private static Object placeholder(Class<?> type) {
        if (type == String.class) {
            return "x";
        } else if (type == int.class) {
            return 1;
        } else if (type == long.class) {
            return 1L;
        } else if (Collection.class.isAssignableFrom(type)) {
            return List.of();
        } else if (Map.class.isAssignableFrom(type)) {
            return Map.of();
        }
        throw new AssertionError("no placeholder for " + type);
    }

    private static Set<String> documentedCodes(int status) {
        var codes = new TreeSet<String>();
        api.responsesWithStatus(status).forEach(response -> codes.addAll(OpenApi.codes(response)));
        return codes;
    }

    private static Set<String> documentedHeaders(int status) {
        var headers = new TreeSet<String>();
        api.responsesWithStatus(status).forEach(response -> headers.addAll(api.headers(response)));
        return headers;
    }

    /** The case happens as it says, and the reference documents it: status, code, headers, body. */
    private static void assertDocumented(Case c) {
        var answer = c.call().get();
        assertEquals(c.status(), answer.statusCode(), c.name() + ": " + answer.body());
        var error = ((JsonObject) Json.parse(answer.body())).object("error").orElseThrow();
        assertEquals(c.code(), error.string("code").orElse(null), c.name() + ": " + answer.body());
        JsonObject documented = c.route() != null ? api.response(api.operation(c.route()), c.status())
                : api.responsesWithStatus(c.status()).stream().filter(r -> OpenApi.codes(r).contains(c.code())).findFirst().orElse(null);
        assertNotNull(documented, c.name() + ": no response documents " + c.status() + " " + c.code());
        assertTrue(OpenApi.codes(documented).contains(c.code()), c.name() + ": " + c.code() + " is not in " + OpenApi.codes(documented));
        assertEquals(List.of(), api.problems(documented, answer), c.name() + ": " + answer.headers().map());
    }
}
