package gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.Gateway;
import gateway.config.Settings;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import gateway.observe.Log;
import gateway.web.OpenApi.Operation;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API reference served at {@code /openapi.json} is OpenAPI 3.1, documents every route
 * the gateway serves and no other, and tells the truth: each example, sent to a real
 * gateway, gets an answer of the documented status, headers and schema, and the request
 * schema's limits are the ones the gateway enforces. (Error codes: {@link OpenApiErrorsTest}.)
 */
class OpenApiDocumentTest {
    static final String ADMIN_KEY = "sk-admin-docs";
    static final String KEY = "sk-alice-docs";
    /** The web pages' routes: pages, not API, so not in the reference. Checked to exist, so the list cannot go stale. */
    static final Set<String> PAGES = Set.of("GET /", "GET /console", "GET /docs", "GET /openapi.json", "GET /ui/{file}",
            "GET /favicon.ico");

    /** The model operations, each with the request examples it must have: a streamed one when it streams. */
    static final Map<String, List<String>> MODEL_ROUTES = Map.of(
            "POST /v1/chat/completions", List.of("basic", "streaming"),
            "POST /v1/completions", List.of("basic", "streaming"),
            "POST /v1/embeddings", List.of("basic", "base64", "dimensions"),
            "POST /v1/responses", List.of("basic", "streaming"));

    static Gateway gateway;
    static OpenApi api;

    @BeforeAll
    static void start(@TempDir Path keys) {
        gateway = Gateway.start(settings(keys, "ECHO_TOKEN_DELAY_MS", "0", "RATE_LIMIT_RPM", "100000"), new Log(line -> { }));
        api = served(gateway);
    }

    /** A gateway with an admin key, a key store, the settings key {@link #KEY} (named carol), and these settings. */
    static Settings settings(Path keys, String... more) {
        var values = new HashMap<>(Map.of("PORT", "0", "ADMIN_API_KEY", ADMIN_KEY, "API_KEYS", "carol:" + KEY,
                "KEYS_FILE", keys.resolve("keys.json").toString()));
        for (int i = 0; i + 1 < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return Settings.from(values);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** The document as the gateway serves it. */
    static OpenApi served(Gateway gateway) {
        var answer = Http.send("GET", gateway.uri().resolve("/openapi.json"), null);
        assertEquals(200, answer.status());
        assertEquals("application/json", answer.mediaType());
        return new OpenApi((JsonObject) Json.parse(answer.body()));
    }

    @Test
    void isOpenApi31WithBearerKeys() {
        assertTrue(api.root().string("openapi").orElseThrow().startsWith("3.1."));
        assertTrue(api.root().object("info").flatMap(info -> info.string("title")).isPresent());
        var schemes = OpenApi.object(OpenApi.object(api.root(), "components"), "securitySchemes");
        for (String scheme : List.of("bearerAuth", "adminAuth")) {
            assertEquals("{\"type\":\"http\",\"scheme\":\"bearer\"}",
                    OpenApi.object(schemes, scheme).toBuilder().remove("description").build().toJson(), scheme);
        }
    }

    @Test
    void documentsEveryRouteTheGatewayServesAndNoOther() {
        var served = new TreeSet<>(gateway.routes());
        assertTrue(served.containsAll(PAGES), "pages listed here but not served: " + PAGES);
        served.removeAll(PAGES);
        var documented = api.operations().stream().map(Operation::route).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(served, documented);
    }

    @Test
    void everyOperationIsCompleteAndItsCurlHoldsNoKey() {
        var ids = new HashSet<String>();
        for (Operation op : api.operations()) {
            String id = op.json().string("operationId").orElseThrow(() -> new AssertionError(op.route() + ": no operationId"));
            assertTrue(ids.add(id), "operationId used twice: " + id);
            assertTrue(op.json().string("summary").isPresent(), op.route() + ": no summary");
            assertTrue(op.json().array("tags").map(JsonArray::size).orElse(0) > 0, op.route() + ": no tag");
            var curl = op.json().array("x-codeSamples").orElseThrow(() -> new AssertionError(op.route() + ": no x-codeSamples"));
            for (JsonValue sample : curl.values()) {
                String source = ((JsonObject) sample).string("source").orElseThrow();
                assertTrue(source.startsWith("curl ") && source.contains(op.path().replaceAll("\\{\\w+}.*", "")), source);
                assertFalse(source.contains(KEY) || source.contains(ADMIN_KEY) || source.matches("(?s).*Bearer (sk|gw)-.*"), source);
                if (!isOpen(op)) {
                    assertTrue(source.contains(needsAdmin(op) ? "$GATEWAY_ADMIN_KEY" : "$GATEWAY_API_KEY"), source);
                }
            }
        }
        MODEL_ROUTES.forEach((route, examples) -> {
            var op = api.operation(route);
            assertEquals(examples, List.copyOf(api.requestExamples(op).keySet()), route);
            var media = OpenApi.object(api.response(op, 200), "content").members().keySet();
            boolean streams = examples.contains("streaming");
            assertEquals(streams ? Set.of("application/json", "text/event-stream") : Set.of("application/json"), media, route);
        });
    }

    @Test
    void everyReferenceResolvesEveryComponentIsUsedAndEverySchemaKeywordIsChecked() {
        var refs = new TreeSet<String>();
        api.forEachObject(object -> object.string("$ref").ifPresent(ref -> {
            assertNotNull(api.pointer(ref), "dangling $ref " + ref);
            refs.add(ref);
        }));
        var components = OpenApi.object(api.root(), "components");
        components.members().forEach((kind, members) -> {
            if (!kind.equals("securitySchemes")) {
                ((JsonObject) members).members().keySet().forEach(name ->
                        assertTrue(refs.contains("#/components/" + kind + "/" + name), "unused: " + kind + "/" + name));
            }
        });
        var schemas = new ArrayList<JsonValue>(OpenApi.object(components, "schemas").members().values());
        api.forEachObject(object -> {
            if (object.has("schema")) {
                schemas.add(object.get("schema"));
            }
        });
        schemas.forEach(this::assertOnlyKnownKeywords);
    }

    private void assertOnlyKnownKeywords(JsonValue schema) {
        if (!(schema instanceof JsonObject object)) {
            return;
        }
        for (var member : object.members().entrySet()) {
            String keyword = member.getKey();
            assertTrue(SchemaCheck.KEYWORDS.contains(keyword) || SchemaCheck.ANNOTATIONS.contains(keyword),
                    "SchemaCheck does not check '" + keyword + "' in " + object.toJson());
            switch (keyword) {
                case "properties" -> ((JsonObject) member.getValue()).members().values().forEach(this::assertOnlyKnownKeywords);
                case "items", "additionalProperties" -> assertOnlyKnownKeywords(member.getValue());
                case "allOf", "oneOf", "anyOf" -> ((JsonArray) member.getValue()).values().forEach(this::assertOnlyKnownKeywords);
                default -> { }
            }
        }
    }

    /**
     * Every operation is called on a real gateway, with each of its request examples (or
     * none): the answer must be a success the operation documents, with documented headers
     * and a body of the documented schema. The key routes run in a life cycle: create first
     * (its id fills {@code {id}}), delete last.
     */
    @Test
    void everyOperationAndExampleGetsTheAnswerItDocuments() {
        var operations = new ArrayList<>(api.operations());
        operations.sort((a, b) -> Integer.compare(lifeCycle(a), lifeCycle(b)));
        String keyId = null;
        int calls = 0;
        for (Operation op : operations) {
            var examples = api.requestExamples(op);
            for (var example : (examples.isEmpty() ? Collections.singletonMap("(no body)", (JsonValue) null) : examples).entrySet()) {
                String what = op.route() + " with " + example.getKey();
                String path = withExamples(op).replace("{id}", String.valueOf(keyId));
                var answer = Http.send(op.method().toUpperCase(), gateway.uri().resolve(path),
                        example.getValue() == null ? null : example.getValue().toJson(), authorization(op));
                int status = answer.status();
                assertTrue(status >= 200 && status < 300, what + ": " + status + " " + answer.body());
                JsonObject documented = api.response(op, status);
                assertNotNull(documented, what + ": status " + status + " is not documented");
                assertEquals(List.of(), api.problems(documented, answer), what + ": " + answer.body());
                if (op.route().equals("POST /admin/keys")) {
                    keyId = ((JsonObject) Json.parse(answer.body())).string("id").orElseThrow();
                }
                if (example.getKey().equals("streaming")) {
                    assertTrue(Http.dataFrames(answer.body()).size() >= 4, answer.body());
                }
                calls++;
            }
        }
        assertTrue(calls > operations.size(), "calls: " + calls);
    }

    /**
     * Echo mode's vectors are as the reference says: 1536 numbers unless {@code dimensions}
     * says (base64: 4 bytes a number), and at most as many numbers a request as it says,
     * floats and base64 each.
     */
    @Test
    void echoEmbeddingsAreAsDescribed() {
        var op = api.operation("POST /v1/embeddings");
        String description = op.json().string("description").orElseThrow();
        assertTrue(description.contains("1536 numbers long unless `dimensions` says"), description);
        for (var example : api.requestExamples(op).entrySet()) {
            var request = (JsonObject) example.getValue();
            long length = request.longValue("dimensions").orElse(1536L);
            var answer = Http.send("POST", gateway.uri().resolve(op.path()), request.toJson(), authorization(op));
            for (JsonValue item : ((JsonObject) Json.parse(answer.body())).array("data").orElseThrow().values()) {
                JsonValue vector = ((JsonObject) item).get("embedding");
                long numbers = vector instanceof JsonString s ? Base64.getDecoder().decode(s.value()).length / 4 : ((JsonArray) vector).size();
                assertEquals(length, numbers, example.getKey());
            }
        }
        for (String format : List.of("float", "base64")) {
            // 8192-number vectors, one more of them than echo mode answers in this format
            String inputs = String.join(",", Collections.nCopies(format.equals("float") ? 33 : 257, "\"a\""));
            String request = "{\"input\":[" + inputs + "],\"dimensions\":8192,\"encoding_format\":\"" + format + "\"}";
            var answer = Http.send("POST", gateway.uri().resolve(op.path()), request, authorization(op));
            var error = ((JsonObject) Json.parse(answer.body())).object("error").orElseThrow();
            assertEquals("too_many_numbers", error.string("code").orElseThrow(), answer.body());
            var most = Pattern.compile("at most (\\d+) numbers").matcher(error.string("message").orElseThrow());
            assertTrue(most.find() && description.contains(" " + most.group(1) + " "), format + ": " + answer.body());
        }
    }

    /** The operation's path with each path parameter that documents an {@code example} filled with it. */
    private static String withExamples(Operation op) {
        String path = op.path();
        for (JsonValue parameter : op.json().array("parameters").orElse(JsonArray.of()).values()) {
            if (parameter instanceof JsonObject p && "path".equals(p.string("in").orElse(null)) && p.has("example")) {
                path = path.replace("{" + p.string("name").orElseThrow() + "}", p.string("example").orElseThrow());
            }
        }
        return path;
    }

    /** Create a key first, delete it last; the rest in between. */
    private static int lifeCycle(Operation op) {
        return switch (op.route()) {
            case "POST /admin/keys" -> 0;
            case "DELETE /admin/keys/{id}" -> 2;
            default -> 1;
        };
    }

    /**
     * Every bound a model operation's request schema states (minimum, maximum, minItems,
     * maxItems, minLength, required) is the gateway's: the basic example changed to the
     * bound is served, changed past it is refused with 400, {@code param} naming the field
     * and a code the 400 response lists.
     */
    @Test
    void theRequestSchemasLimitsAreTheGatewaysLimits() {
        int total = 0;
        for (String route : MODEL_ROUTES.keySet()) {
            int checks = checkLimits(api.operation(route));
            assertTrue(checks >= 8, route + ": bounds checked: " + checks);
            total += checks;
        }
        assertTrue(total >= 60, "bounds checked: " + total);
    }

    private int checkLimits(Operation op) {
        var examples = api.requestExamples(op);
        var basic = (JsonObject) examples.get("basic");
        if (op.path().equals("/v1/embeddings")) {
            // Echo mode answers at most 262,144 numbers: 2,048 inputs fit only with short vectors.
            basic = basic.with("dimensions", new JsonNumber("1"));
        }
        var schema = (JsonObject) api.resolve(OpenApi.object(OpenApi.object(OpenApi.object(op.json(), "requestBody"), "content"),
                "application/json").get("schema"));
        Set<String> codes = OpenApi.codes(api.response(op, 400));
        int checks = 0;
        for (var property : OpenApi.object(schema, "properties").members().entrySet()) {
            String name = property.getKey();
            var variants = new ArrayList<JsonObject>();
            variants.add((JsonObject) api.resolve(property.getValue()));
            ((JsonObject) api.resolve(property.getValue())).array("oneOf").ifPresent(one ->
                    one.values().forEach(v -> variants.add((JsonObject) api.resolve(v))));
            for (JsonObject variant : variants) {
                for (String bound : List.of("minimum", "maximum", "minItems", "maxItems", "minLength")) {
                    if (variant.has(bound)) {
                        var limit = ((JsonNumber) variant.get(bound)).decimalValue();
                        int sign = bound.startsWith("min") ? -1 : 1;
                        BigDecimal step = !bound.endsWith("imum") || variant.get("type").toJson().contains("integer")
                                ? BigDecimal.ONE : new BigDecimal("0.5");
                        JsonValue item = itemOf(examples, name);
                        assertServed(op, basic.with(name, valueOf(item, bound, limit)), name + " at its " + bound);
                        var past = limit.add(step.multiply(BigDecimal.valueOf(sign)));
                        assertRefused(op, basic.with(name, valueOf(item, bound, past)), name, codes);
                        checks++;
                    }
                }
            }
        }
        for (JsonValue required : schema.array("required").orElse(JsonArray.of()).values()) {
            String name = ((JsonString) required).value();
            assertRefused(op, basic.toBuilder().remove(name).build(), name, codes);
            checks++;
        }
        return checks;
    }

    /** An item for an array of {@code name}: the first of an example's, else a string. */
    private static JsonValue itemOf(Map<String, JsonValue> examples, String name) {
        for (JsonValue example : examples.values()) {
            if (((JsonObject) example).get(name) instanceof JsonArray list && list.size() > 0) {
                return list.get(0);
            }
        }
        return new JsonString("stop");
    }

    /** A value at {@code size}: a number, or a string of that length, or an array of that many {@code item}s. */
    private static JsonValue valueOf(JsonValue item, String bound, BigDecimal size) {
        if (bound.endsWith("imum")) {
            return new JsonNumber(size.toPlainString());
        }
        int n = size.intValueExact();
        if (bound.endsWith("Length")) {
            return new JsonString("m".repeat(n));
        }
        return new JsonArray(Collections.nCopies(n, item));
    }

    private void assertServed(Operation op, JsonObject body, String what) {
        var answer = Http.send("POST", gateway.uri().resolve(op.path()), body.toJson(), authorization(op));
        assertEquals(200, answer.status(), what + ": " + answer.body());
    }

    private void assertRefused(Operation op, JsonObject body, String name, Set<String> codes) {
        var answer = Http.send("POST", gateway.uri().resolve(op.path()), body.toJson(), authorization(op));
        assertEquals(400, answer.status(), name + ": " + answer.body());
        var error = ((JsonObject) Json.parse(answer.body())).object("error").orElseThrow();
        assertEquals(name, error.string("param").orElse(null), answer.body());
        assertTrue(codes.contains(error.string("code").orElseThrow()), "undocumented code: " + answer.body());
        assertEquals(List.of(), api.problems(api.response(op, 400), answer));
    }

    /** The Authorization header the operation's security asks for, as name and value. */
    static String[] authorization(Operation op) {
        if (isOpen(op)) {
            return new String[0];
        }
        return new String[] {"Authorization", "Bearer " + (needsAdmin(op) ? ADMIN_KEY : KEY)};
    }

    static boolean isOpen(Operation op) {
        return op.json().array("security").map(JsonArray::size).orElse(-1) == 0;
    }

    static boolean needsAdmin(Operation op) {
        return op.json().array("security").map(JsonValue::toJson).orElse("").contains("adminAuth");
    }
}
