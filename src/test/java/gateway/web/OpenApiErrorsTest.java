package gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import gateway.Gateway;
import gateway.config.Settings;
import gateway.http.ApiError;
import gateway.http.UpstreamErrors;
import gateway.json.Json;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.mock.MockOptionsBuilder;
import gateway.mock.Shape;
import gateway.observe.Log;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error the gateway answers is in the API reference under its status, with the
 * headers it carries and the Error schema, and every code the reference lists is one the
 * gateway makes: the codes requests provoke on real gateways (each case checked to happen
 * as it says, so the table cannot lie either), and those {@link ApiError}'s factories make,
 * including the ones only a failing backend provokes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiErrorsTest {
    static final String CHAT = "POST /v1/chat/completions";
    static final String COMPLETION = "POST /v1/completions";
    static final String EMBEDDING = "POST /v1/embeddings";
    static final String RESPONSE = "POST /v1/responses";
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}";
    /** The least request of each model operation. */
    static final Map<String, String> HELLOS = Map.of(CHAT, HELLO, COMPLETION, "{\"prompt\":\"hello world\"}",
            EMBEDDING, "{\"input\":\"hello world\"}", RESPONSE, "{\"input\":\"hello world\"}");
    static final String[] KEY = {"Authorization", "Bearer " + OpenApiDocumentTest.KEY};
    static final String[] ADMIN = {"Authorization", "Bearer " + OpenApiDocumentTest.ADMIN_KEY};

    static Gateway gateway;
    static OpenApi api;
    /** The codes the cases below have seen the gateway answer, each found documented. */
    static final Set<String> provoked = new ConcurrentSkipListSet<>();

    @BeforeAll
    static void start(@TempDir Path keys) {
        gateway = Gateway.start(OpenApiDocumentTest.settings(keys, "ECHO_TOKEN_DELAY_MS", "50", "MAX_BODY_BYTES", "1000",
                "CORS_ALLOW_ORIGINS", "http://app.example"), new Log(line -> { }));
        api = OpenApiDocumentTest.served(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** A request that provokes an error, the error, and the route documenting it (null: any route's response of that status). */
    record Case(String name, int status, String code, String route, Supplier<Http.Answer> call) {
    }

    @Test
    @Order(1)
    void whatModelRequestsProvokeIsDocumented() {
        URI chat = at("/v1/chat/completions");
        var cases = List.of(
                chat400("a body that is not JSON", "invalid_json", "{\"messages\":"),
                chat400("a body that is not an object", "invalid_request", "[1]"),
                chat400("an empty model", "invalid_model", HELLO.replace("{", "{\"model\":\"\",")),
                chat400("a message of no known role", "invalid_messages", HELLO.replace("user", "robot")),
                chat400("a stream that is not a boolean", "invalid_stream", HELLO.replace("{", "{\"stream\":\"yes\",")),
                chat400("stream options without a stream", "invalid_stream_options", HELLO.replace("{", "{\"stream_options\":{},")),
                chat400("no token allowed", "invalid_max_tokens", HELLO.replace("{", "{\"max_completion_tokens\":0,")),
                chat400("no choice asked", "invalid_n", HELLO.replace("{", "{\"n\":0,")),
                chat400("too hot", "invalid_temperature", HELLO.replace("{", "{\"temperature\":3,")),
                chat400("top_p over 1", "invalid_top_p", HELLO.replace("{", "{\"top_p\":2,")),
                chat400("presence penalty under -2", "invalid_presence_penalty", HELLO.replace("{", "{\"presence_penalty\":-3,")),
                chat400("frequency penalty not a number", "invalid_frequency_penalty", HELLO.replace("{", "{\"frequency_penalty\":\"x\",")),
                chat400("five stop sequences", "invalid_stop", HELLO.replace("{", "{\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"],")),
                model400(COMPLETION, "no prompt", "invalid_prompt", "{\"max_tokens\":16}"),
                model400(COMPLETION, "best_of over 20", "invalid_best_of", "{\"best_of\":21,"),
                model400(COMPLETION, "logprobs over 5", "invalid_logprobs", "{\"logprobs\":6,"),
                model400(COMPLETION, "a suffix not a string", "invalid_suffix", "{\"suffix\":1,"),
                model400(COMPLETION, "echo not a boolean", "invalid_echo", "{\"echo\":\"yes\","),
                model400(COMPLETION, "no token allowed", "invalid_max_tokens", "{\"max_tokens\":0,"),
                model400(COMPLETION, "stream options without a stream", "invalid_stream_options", "{\"stream_options\":{},"),
                model400(EMBEDDING, "an empty input", "invalid_input", "{\"input\":[\"\"]}"),
                model400(EMBEDDING, "a stream", "invalid_stream", "{\"stream\":true,"),
                model400(EMBEDDING, "no dimension", "invalid_dimensions", "{\"dimensions\":0,"),
                model400(EMBEDDING, "an unknown encoding", "invalid_encoding_format", "{\"encoding_format\":\"int8\","),
                model400(EMBEDDING, "a user not a string", "invalid_user", "{\"user\":7,"),
                model400(EMBEDDING, "more numbers than echo mode answers", "too_many_numbers",
                        "{\"input\":[" + String.join(",", Collections.nCopies(33, "\"a\"")) + "],\"dimensions\":8192}"),
                model400(RESPONSE, "an item of no role or type", "invalid_input", "{\"input\":[{\"content\":\"x\"}]}"),
                model400(RESPONSE, "instructions not a string", "invalid_instructions", "{\"instructions\":[],"),
                model400(RESPONSE, "a previous response id not a string", "invalid_previous_response_id", "{\"previous_response_id\":1,"),
                model400(RESPONSE, "no output token allowed", "invalid_max_output_tokens", "{\"max_output_tokens\":0,"),
                model400(RESPONSE, "store not a boolean", "invalid_store", "{\"store\":\"no\","),
                model400(RESPONSE, "too hot", "invalid_temperature", "{\"temperature\":2.5,"),
                new Case("no key", 401, "missing_api_key", CHAT, () -> Http.send("POST", chat, HELLO)),
                new Case("no key for a text completion", 401, "missing_api_key", COMPLETION,
                        () -> Http.send("POST", at("/v1/completions"), HELLOS.get(COMPLETION))),
                new Case("no key for embeddings", 401, "missing_api_key", EMBEDDING,
                        () -> Http.send("POST", at("/v1/embeddings"), HELLOS.get(EMBEDDING))),
                new Case("no key for a response", 401, "missing_api_key", RESPONSE,
                        () -> Http.send("POST", at("/v1/responses"), HELLOS.get(RESPONSE))),
                new Case("an unknown key", 401, "invalid_api_key", CHAT,
                        () -> Http.send("POST", chat, HELLO, "Authorization", "Bearer gw-nobody")),
                new Case("a body over MAX_BODY_BYTES", 413, "request_too_large", CHAT,
                        () -> Http.send("POST", chat, HELLO.replace("hello", "x".repeat(1000)), KEY)),
                new Case("an unknown path", 404, "not_found", null, () -> Http.send("GET", at("/v2/nothing"), null)),
                new Case("a wrong method", 405, "method_not_allowed", null, () -> Http.send("DELETE", at("/v1/models"), null, KEY)),
                new Case("a preflight from an origin not allowed", 403, "origin_not_allowed", null,
                        () -> Http.send("OPTIONS", chat, null, "Origin", "http://elsewhere.example", "Access-Control-Request-Method", "POST")));
        cases.forEach(OpenApiErrorsTest::assertDocumented);
    }

    @Test
    @Order(1)
    void whatAdminRequestsProvokeIsDocumented() {
        String keyId = createKey("{\"name\":\"dave\"}").string("id").orElseThrow();
        String settingsId = settingsKeyId();
        var cases = List.of(
                admin400("an unknown member", "unknown_parameter", "POST", "/admin/keys", "{\"nam\":\"x\"}"),
                admin400("an empty name", "invalid_name", "POST", "/admin/keys", "{\"name\":\"\"}"),
                admin400("a limit of 0", "invalid_limits", "POST", "/admin/keys", "{\"name\":\"x\",\"limits\":{\"tokens_per_day\":0}}"),
                admin400("an expiry in the past", "invalid_expires_at", "POST", "/admin/keys", "{\"name\":\"x\",\"expires_at\":1}"),
                admin400("disabled not a boolean", "invalid_disabled", "PATCH", "/admin/keys/" + keyId, "{\"disabled\":\"yes\"}"),
                admin400("a range that is not a time", "invalid_range", "GET", "/admin/usage?from=yesterday", null),
                new Case("a wrong admin key", 401, "invalid_api_key", "GET /admin/keys", () -> Http.send("GET", at("/admin/keys"), null, KEY)),
                new Case("an unknown key id", 404, "key_not_found", "GET /admin/keys/{id}",
                        () -> Http.send("GET", at("/admin/keys/key_nobody"), null, ADMIN)),
                new Case("a key of API_KEYS changed", 409, "key_read_only", "PATCH /admin/keys/{id}",
                        () -> Http.send("PATCH", at("/admin/keys/" + settingsId), "{\"disabled\":true}", ADMIN)),
                new Case("a name taken", 409, "name_taken", "POST /admin/keys",
                        () -> Http.send("POST", at("/admin/keys"), "{\"name\":\"carol\"}", ADMIN)));
        cases.forEach(OpenApiErrorsTest::assertDocumented);
    }

    /** A key's policy and state, each refusal on the chat route. */
    @Test
    @Order(1)
    void whatAKeysPolicyRefusesIsDocumented() throws Exception {
        URI chat = at("/v1/chat/completions");
        String disabled = secret(createKey("{\"name\":\"off\"}"));
        Http.send("PATCH", at("/admin/keys/" + idOf(disabled)), "{\"disabled\":true}", ADMIN);
        assertDocumented(new Case("a disabled key", 401, "key_disabled", CHAT, () -> Http.send("POST", chat, HELLO, bearer(disabled))));

        String modelBound = secret(createKey("{\"name\":\"bound\",\"limits\":{\"models\":[\"some-model\"]}}"));
        assertDocumented(new Case("a model the key may not use", 403, "model_not_allowed", CHAT,
                () -> Http.send("POST", chat, HELLO.replace("{", "{\"model\":\"echo\","), bearer(modelBound))));

        String frugal = secret(createKey("{\"name\":\"frugal\",\"limits\":{\"tokens_per_day\":1}}"));
        assertEquals(200, Http.send("POST", chat, HELLO, bearer(frugal)).status());
        // Usage is counted as the answer ends, so the very next request may still get in.
        assertDocumented(new Case("a spent budget", 429, "budget_exceeded", CHAT,
                () -> retryWhile(200, () -> Http.send("POST", chat, HELLO, bearer(frugal)))));

        String single = secret(createKey("{\"name\":\"single\",\"limits\":{\"max_in_flight\":1}}"));
        try (var stream = Http.open(chat, HELLO.replace("{", "{\"stream\":true,"), bearer(single))) {
            assertTrue(stream.readLine().startsWith("data: "));
            assertDocumented(new Case("a second request at once", 429, "concurrency_limit_exceeded", CHAT,
                    () -> Http.send("POST", chat, HELLO, bearer(single))));
        }

        long soon = System.currentTimeMillis() / 1000 + 2;
        String brief = secret(createKey("{\"name\":\"brief\",\"expires_at\":" + soon + "}"));
        assertDocumented(new Case("an expired key", 401, "key_expired", CHAT, () -> retryWhile(200,
                () -> Http.send("POST", chat, HELLO, bearer(brief)))));
    }

    /**
     * One caller, one slot, one request a minute: a second request while a stream runs is
     * turned away (503), the next is over the limit (429), and one after the drain began is
     * told the gateway stops (503).
     */
    @Test
    @Order(1)
    void refusalsOfABusyLimitedOrStoppingGatewayAreDocumented() throws Exception {
        try (var limited = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "100",
                "MAX_REQUESTS_IN_FLIGHT", "1", "RATE_LIMIT_RPM", "1", "RATE_LIMIT_BURST", "1")), new Log(line -> { }))) {
            URI chat = limited.uri().resolve("/v1/chat/completions");
            try (var stream = Http.open(chat, HELLO.replace("{", "{\"stream\":true,"))) {
                assertTrue(stream.readLine().startsWith("data: "));
                assertDocumented(new Case("a request while the only slot streams", 503, "overloaded", CHAT,
                        () -> Http.send("POST", chat, HELLO)));
                while (stream.readLine() != null) {
                    // to the end of the stream
                }
            }
            // The stream's slot is released just after its last byte.
            assertDocumented(new Case("a second request within the minute", 429, "rate_limit_exceeded", CHAT,
                    () -> retryWhile(503, () -> Http.send("POST", chat, HELLO))));
            limited.drain();
            assertDocumented(new Case("a request while the gateway stops", 503, "shutting_down", CHAT,
                    () -> Http.send("POST", chat, HELLO)));
        }
    }

    /**
     * A model nobody serves, a backend failing, a stream cut by its backend (which ends with
     * the documented error frame), and keys made on a gateway without a key store.
     */
    @Test
    @Order(1)
    void backendFailuresAreDocumented() {
        try (var ok = MockBackend.start("127.0.0.1", 0, words().models("mock-model").build());
                var bad = MockBackend.start("127.0.0.1", 0, words().models("bad-model").errorRate(1).build());
                var cut = MockBackend.start("127.0.0.1", 0, words().models("cut-model").cutRate(1).build())) {
            var settings = new HashMap<>(Map.of("PORT", "0", "BACKENDS", "ok,bad,cut", "ADMIN_API_KEY", OpenApiDocumentTest.ADMIN_KEY));
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
                assertDocumented(new Case("a key made without KEYS_FILE", 409, "key_store_off", "POST /admin/keys",
                        () -> Http.send("POST", backed.uri().resolve("/admin/keys"), "{\"name\":\"x\"}", ADMIN)));

                var answer = Http.send("POST", chat, HELLO.replace("{", "{\"model\":\"cut-model\",\"stream\":true,"));
                assertEquals(200, answer.status());
                var frames = Http.dataFrames(answer.body());
                var error = (JsonObject) Json.parse(frames.get(frames.size() - 2));
                assertEquals("backend_error", error.object("error").orElseThrow().string("code").orElseThrow(), answer.body());
                assertEquals(List.of(), api.problems(api.response(api.operation(CHAT), 200), answer), answer.body());
            }
        }
    }

    /**
     * The other operations through backends: each example as an OpenAI-compatible backend
     * answers it, as documented; a model no backend serves; a prompt API asked for
     * embeddings, or for two prompts at once; and a Responses stream its backend cuts, which
     * ends with the documented error frame.
     */
    @Test
    @Order(1)
    void theOtherOperationsThroughBackendsAreDocumented() throws IOException {
        HttpServer cut = cutResponsesStream();
        try (var ok = MockBackend.start("127.0.0.1", 0, words().models("mock-model").build());
                var prompt = MockBackend.start("127.0.0.1", 0, words().shape(Shape.CHAT).models("prompt-model").build())) {
            var settings = new HashMap<>(Map.of("PORT", "0", "BACKENDS", "ok,prompt,cut",
                    "BACKEND_OK_URL", ok.uri().toString(), "BACKEND_OK_MODELS", "mock-model",
                    "BACKEND_PROMPT_URL", prompt.uri().toString(), "BACKEND_PROMPT_MODELS", "prompt-model",
                    "BACKEND_PROMPT_KIND", "prompt", "BACKEND_PROMPT_PATH", Shape.CHAT.path()));
            settings.put("BACKEND_CUT_URL", "http://127.0.0.1:" + cut.getAddress().getPort());
            settings.put("BACKEND_CUT_MODELS", "cut-model");
            try (var backed = Gateway.start(Settings.from(settings), new Log(line -> { }))) {
                for (String route : List.of(COMPLETION, EMBEDDING, RESPONSE)) {
                    var op = api.operation(route);
                    URI uri = backed.uri().resolve(op.path());
                    for (var example : api.requestExamples(op).entrySet()) {
                        String body = ((JsonObject) example.getValue()).with("model", new JsonString("mock-model")).toJson();
                        var answer = Http.send("POST", uri, body);
                        assertEquals(200, answer.status(), route + " " + example.getKey() + ": " + answer.body());
                        assertEquals(List.of(), api.problems(api.response(op, 200), answer), route + " " + example.getKey());
                    }
                    assertDocumented(new Case("a model no backend serves", 404, "model_not_found", route,
                            () -> Http.send("POST", uri, HELLOS.get(route).replace("{", "{\"model\":\"nope\","))));
                }
                URI embeddings = backed.uri().resolve("/v1/embeddings");
                URI completions = backed.uri().resolve("/v1/completions");
                assertDocumented(new Case("embeddings from a prompt API", 400, "unsupported_operation", EMBEDDING,
                        () -> Http.send("POST", embeddings, "{\"model\":\"prompt-model\",\"input\":\"hello\"}")));
                assertDocumented(new Case("two prompts for a prompt API", 400, "invalid_prompt", COMPLETION,
                        () -> Http.send("POST", completions, "{\"model\":\"prompt-model\",\"prompt\":[\"a\",\"b\"]}")));

                var answer = Http.send("POST", backed.uri().resolve("/v1/responses"), "{\"model\":\"cut-model\",\"stream\":true,\"input\":\"hi\"}");
                assertEquals(200, answer.status());
                var events = Http.events(answer.body());
                assertEquals("response.created", events.getFirst().name(), answer.body());
                var error = (JsonObject) Json.parse(events.get(events.size() - 2).data());
                assertEquals("backend_error", error.object("error").orElseThrow().string("code").orElseThrow(), answer.body());
                assertEquals(List.of(), api.problems(api.response(api.operation(RESPONSE), 200), answer), answer.body());
            }
        } finally {
            cut.stop(0);
        }
    }

    /** A Responses backend whose stream stops after its first event, before {@code response.completed}. */
    private static HttpServer cutResponsesStream() throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/responses", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
                        + "\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"in_progress\","
                        + "\"model\":\"cut-model\",\"output\":[],\"usage\":null}}\n\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        return server;
    }

    /** Every error ApiError's factories make, made with placeholder arguments, is in a documented response of its status. */
    @Test
    @Order(1)
    void everyErrorAFactoryCanMakeIsDocumented() throws Exception {
        var made = factoryErrors();
        assertTrue(made.size() >= 15, "factories: " + made.size());
        for (ApiError error : made) {
            assertTrue(documentedCodes(error.status()).contains(error.code()), error.status() + " " + error.code() + " is not documented");
            error.headers().keySet().forEach(header -> assertTrue(documentedHeaders(error.status()).contains(header.toLowerCase(Locale.ROOT)),
                    "the header " + header + " of " + error.status() + " " + error.code() + " is not documented"));
        }
        var limited = api.response(api.operation(CHAT), 429);
        ApiError.RETRY_HEADERS.forEach(header -> assertTrue(api.headers(limited).contains(header.toLowerCase(Locale.ROOT)), header));
    }

    /** The other way round: each code the reference lists was provoked above, or is one a factory makes. */
    @Test
    @Order(2)
    void everyDocumentedCodeIsOneTheGatewayMakes() throws Exception {
        var known = new TreeSet<>(provoked);
        factoryErrors().forEach(error -> known.add(error.code()));
        var documented = new TreeSet<String>();
        for (int status = 400; status < 600; status++) {
            documented.addAll(documentedCodes(status));
        }
        documented.removeAll(known);
        assertEquals(Set.of(), documented, "documented, never seen made");
    }

    private static List<ApiError> factoryErrors() throws Exception {
        var errors = new java.util.ArrayList<ApiError>();
        var factories = new java.util.ArrayList<>(List.of(ApiError.class.getMethods()));
        factories.addAll(List.of(UpstreamErrors.class.getMethods())); // the backends' failures
        for (Method factory : factories) {
            // invalidRequest's codes are its callers': the request checks, provoked above.
            if (Modifier.isStatic(factory.getModifiers()) && factory.getReturnType() == ApiError.class
                    && !factory.getName().equals("invalidRequest")) {
                Object[] arguments = new Object[factory.getParameterCount()];
                for (int i = 0; i < arguments.length; i++) {
                    arguments[i] = placeholder(factory.getParameterTypes()[i]);
                }
                errors.add((ApiError) factory.invoke(null, arguments));
            }
        }
        return errors;
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
        assertEquals(c.status(), answer.status(), c.name() + ": " + answer.body());
        var error = ((JsonObject) Json.parse(answer.body())).object("error").orElseThrow();
        assertEquals(c.code(), error.string("code").orElse(null), c.name() + ": " + answer.body());
        JsonObject documented = c.route() != null ? api.response(api.operation(c.route()), c.status())
                : api.responsesWithStatus(c.status()).stream().filter(r -> OpenApi.codes(r).contains(c.code())).findFirst().orElse(null);
        assertNotNull(documented, c.name() + ": no response documents " + c.status() + " " + c.code());
        assertTrue(OpenApi.codes(documented).contains(c.code()), c.name() + ": " + c.code() + " is not in " + OpenApi.codes(documented));
        assertEquals(List.of(), api.problems(documented, answer), c.name() + ": " + answer.headers());
        provoked.add(c.code());
    }

    private static Case chat400(String name, String code, String body) {
        return new Case(name, 400, code, CHAT, () -> Http.send("POST", at("/v1/chat/completions"), body, KEY));
    }

    /**
     * A request of {@code route}: {@code body} whole when it is an object, else (ending with a
     * comma) the members it puts before those of the operation's least request.
     */
    private static Case model400(String route, String name, String code, String body) {
        String request = body.endsWith(",") ? body + HELLOS.get(route).substring(1) : body;
        return new Case(name, 400, code, route, () -> Http.send("POST", at(route.substring(5)), request, KEY));
    }

    private static Case admin400(String name, String code, String method, String path, String body) {
        String route = method + " " + path.replaceAll("key_\\w+", "{id}").replaceAll("\\?.*", "");
        return new Case(name, 400, code, route, () -> Http.send(method, at(path), body, ADMIN));
    }

    /** Asks again while the answer is {@code status}, for up to 4 s: for a change that comes with time. */
    private static Http.Answer retryWhile(int status, Supplier<Http.Answer> call) {
        var answer = call.get();
        for (long deadline = System.nanoTime() + 4_000_000_000L; answer.status() == status && System.nanoTime() < deadline; ) {
            answer = call.get();
        }
        return answer;
    }

    private static JsonObject createKey(String body) {
        var answer = Http.send("POST", at("/admin/keys"), body, ADMIN);
        assertEquals(201, answer.status(), answer.body());
        return (JsonObject) Json.parse(answer.body());
    }

    private static String secret(JsonObject created) {
        String secret = created.string("key").orElseThrow();
        ids.put(secret, created.string("id").orElseThrow());
        return secret;
    }

    private static final Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();

    private static String idOf(String secret) {
        return ids.get(secret);
    }

    private static String settingsKeyId() {
        var list = (JsonObject) Json.parse(Http.send("GET", at("/admin/keys"), null, ADMIN).body());
        for (JsonValue key : list.array("data").orElseThrow().values()) {
            if (((JsonObject) key).string("source").orElse("").equals("settings")) {
                return ((JsonObject) key).string("id").orElseThrow();
            }
        }
        throw new AssertionError("no key of API_KEYS listed: " + list.toJson());
    }

    private static String[] bearer(String secret) {
        return new String[] {"Authorization", "Bearer " + secret};
    }

    private static MockOptionsBuilder words() {
        return MockOptions.builder().reply("one two three four five six");
    }

    private static URI at(String path) {
        return gateway.uri().resolve(path);
    }
}
