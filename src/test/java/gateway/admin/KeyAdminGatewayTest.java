package gateway.admin;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.Gateway;
import gateway.TestHttp;
import gateway.config.Settings;
import gateway.json.JsonArray;
import gateway.json.JsonNull;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import gateway.keys.KeyPolicy;
import gateway.keys.KeyStore;
import gateway.keys.StoredKey;
import gateway.observe.Log;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API and the keys it makes, end to end: a real gateway in echo mode on
 * loopback, its key store in a temporary folder.
 */
class KeyAdminGatewayTest {
    static final String ADMIN = "admin-key-0123456789abcdef";
    static final String CAROL = "sk-carol-0123456789abcd";
    static final String HI = "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final List<String> KEY_MEMBERS = List.of("id", "object", "name", "source", "redacted", "status", "created_at",
            "last_used_at", "expires_at", "limits", "usage");

    @TempDir
    Path folder;

    final List<String> log = new CopyOnWriteArrayList<>();

    Path keysFile() {
        return folder.resolve("keys.json");
    }

    /** A gateway in echo mode with a key store and an admin key; {@code more} adds or replaces settings (empty: unset). */
    Gateway start(String... more) {
        var values = new HashMap<>(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "0", "KEYS_FILE", keysFile().toString(),
                "ADMIN_API_KEY", ADMIN));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return Gateway.start(Settings.from(values), new Log(log::add));
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    static HttpResponse<String> send(Gateway gateway, String method, String path, String body, String... headers) {
        var request = HttpRequest.newBuilder(gateway.uri().resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return TestHttp.send(request.build());
    }

    static HttpResponse<String> admin(Gateway gateway, String method, String path, String body) {
        return send(gateway, method, path, body, "Authorization", "Bearer " + ADMIN);
    }

    static HttpResponse<String> chat(Gateway gateway, String key, String body) {
        return send(gateway, "POST", "/v1/chat/completions", body, "Authorization", "Bearer " + key);
    }

    static HttpResponse<String> chat(Gateway gateway, String key) {
        return chat(gateway, key, HI);
    }

    /** Creates a key through the admin API and returns its answer (with the secret). */
    static JsonObject create(Gateway gateway, String body) {
        var created = admin(gateway, "POST", "/admin/keys", body);
        assertEquals(201, created.statusCode(), created.body());
        return json(created);
    }

    static String secret(JsonObject created) {
        return created.string("key").orElseThrow();
    }

    static String id(JsonObject key) {
        return key.string("id").orElseThrow();
    }

    static JsonObject getKey(Gateway gateway, String id) {
        var response = admin(gateway, "GET", "/admin/keys/" + id, null);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    static JsonObject error(HttpResponse<String> response) {
        return json(response).object("error").orElseThrow();
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    static JsonObject usage(JsonObject key, String period) {
        return key.object("usage").orElseThrow().object(period).orElseThrow();
    }

    static long number(JsonObject object, String name) {
        return object.longValue(name).orElseThrow(() -> new AssertionError("no " + name + " in " + object.toJson()));
    }

    static JsonObject totals(long requests, long errors, long input, long output) {
        return JsonObject.builder().put("requests", requests).put("errors", errors).put("input_tokens", input)
                .put("output_tokens", output).put("cached_tokens", 0).build();
    }

    /** Waits for what the gateway does on its own time (re-reading the key store, each second), 5 s at most. */
    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aKeyFromCreationToRevocation() throws IOException {
        try (var gateway = start()) {
            long before = now();
            var created = admin(gateway, "POST", "/admin/keys", """
                    {"name": " alice ", "limits": {"requests_per_minute": 100, "models": ["echo"]}, "expires_at": %d}"""
                    .formatted(before + 86_400));
            assertEquals(201, created.statusCode(), created.body());
            assertEquals("no-store", header(created, "Cache-Control"));
            JsonObject alice = json(created);
            String secret = secret(alice);
            String id = id(alice);
            assertTrue(secret.matches("gw-[0-9A-Za-z]{32}"), secret);
            assertTrue(id.matches("key_[0-9a-f]{16}"), id);
            assertEquals(JsonObject.builder()
                    .put("id", id).put("object", "api_key").put("name", "alice").put("source", "store")
                    .put("redacted", secret.substring(0, 7) + "…" + secret.substring(secret.length() - 4))
                    .put("status", "active")
                    .put("created_at", alice.get("created_at"))
                    .put("last_used_at", JsonNull.INSTANCE)
                    .put("expires_at", before + 86_400)
                    .put("limits", new KeyPolicy(100L, null, null, null, null, List.of("echo")).toJson())
                    .put("usage", JsonObject.builder().put("today", totals(0, 0, 0, 0)).put("month", totals(0, 0, 0, 0)).build())
                    .put("key", secret)
                    .build(), alice);
            long createdAt = number(alice, "created_at");
            assertTrue(createdAt >= before && createdAt <= now(), "created_at " + createdAt);

            // Shown once: never again, neither in the list, nor in the key, nor in the file.
            var list = admin(gateway, "GET", "/admin/keys", null);
            assertEquals(200, list.statusCode());
            assertFalse(list.body().contains(secret), list.body());
            assertEquals("list", json(list).string("object").orElseThrow());
            JsonObject listed = (JsonObject) json(list).array("data").orElseThrow().values().getFirst();
            assertEquals(KEY_MEMBERS, List.copyOf(listed.members().keySet()));
            assertEquals(alice.toBuilder().remove("key").build(), listed);
            var got = admin(gateway, "GET", "/admin/keys/" + id, null);
            assertFalse(got.body().contains(secret));
            assertEquals(listed, json(got));
            assertFalse(Files.readString(keysFile()).contains(secret), "the key store holds no secret");

            // Used.
            assertEquals(200, chat(gateway, secret).statusCode());
            JsonObject used = getKey(gateway, id);
            assertTrue(number(used, "last_used_at") >= createdAt);
            assertEquals(1, number(usage(used, "today"), "requests"));

            // Changed: PATCH changes only the members it names; 'limits' replaces all limits.
            JsonObject renamed = json(admin(gateway, "PATCH", "/admin/keys/" + id, "{\"name\": \"alice-2\"}"));
            assertEquals("alice-2", renamed.string("name").orElseThrow());
            assertEquals(alice.get("limits"), renamed.get("limits"));
            assertEquals(before + 86_400, number(renamed, "expires_at"));
            var limited = admin(gateway, "PATCH", "/admin/keys/" + id, "{\"limits\": {\"max_in_flight\": 3}, \"expires_at\": null}");
            assertEquals(200, limited.statusCode(), limited.body());
            assertEquals(new KeyPolicy(null, null, 3L, null, null, null).toJson(), json(limited).get("limits"));
            assertEquals(JsonNull.INSTANCE, json(limited).get("expires_at"));
            assertEquals("alice-2", json(limited).string("name").orElseThrow());
            assertEquals(json(limited), json(admin(gateway, "PATCH", "/admin/keys/" + id, "{}")), "an empty change changes nothing");
            assertEquals(json(limited).toBuilder().remove("last_used_at").build(),
                    json(TestHttp.get(gateway.uri().resolve("/admin/keys/" + id), "Authorization", "Bearer " + ADMIN))
                            .toBuilder().remove("last_used_at").build());

            // Disabled, then enabled again.
            JsonObject disabled = json(admin(gateway, "PATCH", "/admin/keys/" + id, "{\"disabled\": true}"));
            assertEquals("disabled", disabled.string("status").orElseThrow());
            var refused = chat(gateway, secret);
            assertEquals(401, refused.statusCode());
            assertEquals("key_disabled", errorCode(refused));
            assertEquals("active", json(admin(gateway, "PATCH", "/admin/keys/" + id, "{\"disabled\": false}")).string("status").orElseThrow());
            assertEquals(200, chat(gateway, secret).statusCode());

            // Rotated: a new secret for the same key; the old one fails at once.
            var rotated = admin(gateway, "POST", "/admin/keys/" + id + "/rotate", null);
            assertEquals(200, rotated.statusCode(), rotated.body());
            assertEquals("no-store", header(rotated, "Cache-Control"));
            String newSecret = secret(json(rotated));
            assertNotEquals(secret, newSecret);
            assertEquals(id, id(json(rotated)));
            assertEquals("alice-2", json(rotated).string("name").orElseThrow());
            assertEquals(newSecret.substring(0, 7) + "…" + newSecret.substring(newSecret.length() - 4),
                    json(rotated).string("redacted").orElseThrow());
            var old = chat(gateway, secret);
            assertEquals(401, old.statusCode());
            assertEquals("invalid_api_key", errorCode(old));
            assertEquals(200, chat(gateway, newSecret).statusCode());
            JsonObject afterRotation = getKey(gateway, id);
            assertEquals(3, number(usage(afterRotation, "today"), "requests"), "the same history (a 401 is nobody's request)");
            assertFalse(admin(gateway, "GET", "/admin/keys", null).body().contains(newSecret));
            assertFalse(Files.readString(keysFile()).contains(newSecret));

            // Revoked: the next request fails.
            var deleted = admin(gateway, "DELETE", "/admin/keys/" + id, null);
            assertEquals(200, deleted.statusCode());
            assertEquals(JsonObject.builder().put("id", id).put("object", "api_key").put("deleted", true).build(), json(deleted));
            var gone = chat(gateway, newSecret);
            assertEquals(401, gone.statusCode());
            assertEquals("invalid_api_key", errorCode(gone));
            assertEquals("key_not_found", errorCode(admin(gateway, "GET", "/admin/keys/" + id, null)));
            assertEquals(0, json(admin(gateway, "GET", "/admin/keys", null)).array("data").orElseThrow().size());
            assertFalse(Files.readString(keysFile()).contains(id));
        }
    }

    @Test
    void withoutAnAdminKeyTheAdminApiAndTheConsoleDoNotExist() {
        try (var gateway = start("ADMIN_API_KEY", "")) {
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
                for (String path : List.of("/admin/keys", "/admin/keys/key_1", "/admin/keys/key_1/rotate", "/admin/usage",
                        "/admin/backends")) {
                    var response = send(gateway, method, path, null, "Authorization", "Bearer " + ADMIN);
                    assertEquals(404, response.statusCode(), method + " " + path);
                    assertEquals("not_found", errorCode(response), method + " " + path);
                    assertEquals(null, header(response, "Allow"), method + " " + path);
                }
            }
            // The console is a 404 too, with a page that tells a person how to turn it on (WebPagesTest).
            assertEquals(404, send(gateway, "GET", "/console", null).statusCode());
        }
        try (var gateway = start()) {
            assertEquals(200, TestHttp.get(gateway.uri().resolve("/console")).statusCode(), "the page itself asks for the key");
        }
    }

    @Test
    void theAdminApiWantsTheAdminKeyAndNoOther() throws IOException {
        try (var gateway = start("API_KEYS", "carol:" + CAROL)) {
            String alice = secret(create(gateway, "{\"name\":\"alice\"}"));
            var missing = send(gateway, "GET", "/admin/keys", null);
            assertEquals(401, missing.statusCode());
            assertEquals("missing_api_key", errorCode(missing));
            assertEquals("no-store", header(missing, "Cache-Control"));
            for (String wrong : List.of("Bearer " + ADMIN + "x", "Bearer " + alice, "Bearer " + CAROL)) {
                var response = send(gateway, "GET", "/admin/keys", null, "Authorization", wrong);
                assertEquals(401, response.statusCode(), wrong);
                assertEquals("invalid_api_key", errorCode(response), wrong);
                assertEquals("Bearer", header(response, "WWW-Authenticate"));
                assertEquals("no-store", header(response, "Cache-Control"));
                var create = send(gateway, "POST", "/admin/keys", "{\"name\":\"mallory\"}", "Authorization", wrong);
                assertEquals(401, create.statusCode(), wrong);
            }
            assertFalse(admin(gateway, "GET", "/admin/keys", null).body().contains("mallory"));
            for (String[] otherForm : List.of(new String[] {"x-api-key", ADMIN}, new String[] {"Authorization", "Api-Key " + ADMIN})) {
                var response = send(gateway, "GET", "/admin/keys", null, otherForm);
                assertEquals(401, response.statusCode(), "a bearer token only: " + otherForm[0]);
                assertEquals("missing_api_key", errorCode(response));
            }

            var adminAsClient = chat(gateway, ADMIN);
            assertEquals(401, adminAsClient.statusCode(), "the admin key is not a client key");
            assertEquals("invalid_api_key", errorCode(adminAsClient));
            var noKey = send(gateway, "POST", "/v1/chat/completions", HI);
            assertEquals(401, noKey.statusCode());
            assertEquals("missing_api_key", errorCode(noKey));
        }
    }

    @Test
    void withAKeyStoreEveryClientNeedsAKeyEvenWhileItIsEmpty() {
        try (var gateway = start("ADMIN_API_KEY", "")) {
            assertEquals("missing_api_key", errorCode(send(gateway, "POST", "/v1/chat/completions", HI)));
            assertEquals("missing_api_key", errorCode(send(gateway, "GET", "/v1/models", null)));
            assertEquals("invalid_api_key", errorCode(chat(gateway, "gw-guess")));
        }
    }

    /** Each row: method | path (ID: an existing key's) | body | error code | param (empty: none). */
    static final String MISTAKES = """
            POST  | /admin/keys    | {}                                                 | invalid_name       | name
            POST  | /admin/keys    | {"name": null}                                     | invalid_name       | name
            POST  | /admin/keys    | {"name": "  "}                                     | invalid_name       | name
            POST  | /admin/keys    | {"name": 7}                                        | invalid_name       | name
            POST  | /admin/keys    | {"name": "a\\nb"}                                  | invalid_name       | name
            POST  | /admin/keys    | {"name": "%s"}                                     | invalid_name       | name
            POST  | /admin/keys    | {"name": "x", "limits": []}                        | invalid_limits     | limits
            POST  | /admin/keys    | {"name": "x", "limits": {"rpm": 1}}                | invalid_limits     | limits.rpm
            POST  | /admin/keys    | {"name": "x", "limits": {"tokens_per_day": 0}}     | invalid_limits     | limits.tokens_per_day
            POST  | /admin/keys    | {"name": "x", "limits": {"models": "echo"}}        | invalid_limits     | limits.models
            POST  | /admin/keys    | {"name": "x", "expires_at": 1}                     | invalid_expires_at | expires_at
            POST  | /admin/keys    | {"name": "x", "expires_at": "2030-01-01"}          | invalid_expires_at | expires_at
            POST  | /admin/keys    | {"name": "x", "expires_at": 253402300800}          | invalid_expires_at | expires_at
            POST  | /admin/keys    | {"name": "x", "disabled": true}                    | unknown_parameter  | disabled
            POST  | /admin/keys    | {"name": "x", "key": "gw-mine"}                    | unknown_parameter  | key
            POST  | /admin/keys    | {"name": "x",                                      | invalid_json       |
            POST  | /admin/keys    |                                                    | invalid_json       |
            POST  | /admin/keys    | ["x"]                                              | invalid_request    |
            PATCH | /admin/keys/ID | {"name": ""}                                       | invalid_name       | name
            PATCH | /admin/keys/ID | {"limits": {"max_in_flight": -1}}                  | invalid_limits     | limits.max_in_flight
            PATCH | /admin/keys/ID | {"expires_at": 1000}                               | invalid_expires_at | expires_at
            PATCH | /admin/keys/ID | {"disabled": "yes"}                                | invalid_disabled   | disabled
            PATCH | /admin/keys/ID | {"id": "key_2"}                                    | unknown_parameter  | id
            PATCH | /admin/keys/ID | {"name": "y", "disabled": 1}                       | invalid_disabled   | disabled
            PATCH | /admin/keys/ID | nope                                               | invalid_json       |
            """.formatted("n".repeat(65));

    @Test
    void eachMistakeIsA400NamingTheMemberAndChangesNothing() throws IOException {
        try (var gateway = start()) {
            String id = id(create(gateway, "{\"name\":\"alice\"}"));
            String keysBefore = Files.readString(keysFile());
            for (String row : MISTAKES.lines().toList()) {
                String[] cells = row.split("\\|", -1);
                String method = cells[0].strip();
                String body = cells[2].strip();
                String param = cells[4].strip();
                var response = admin(gateway, method, cells[1].strip().replace("ID", id), body);
                assertEquals(400, response.statusCode(), row + " → " + response.body());
                assertEquals("invalid_request_error", error(response).string("type").orElseThrow(), row);
                assertEquals(cells[3].strip(), errorCode(response), row);
                assertEquals(param.isEmpty() ? JsonNull.INSTANCE : new JsonString(param), error(response).get("param"), row);
                assertEquals("no-store", header(response, "Cache-Control"), row);
            }
            assertEquals(keysBefore, Files.readString(keysFile()), "nothing changed");
        }
    }

    @Test
    void errorMessagesSayWhatToDo() {
        try (var gateway = start()) {
            assertEquals("'name' must be a string of 1 to 64 printable characters.",
                    error(admin(gateway, "POST", "/admin/keys", "{}")).string("message").orElseThrow());
            assertEquals("'expires_at' must be a time in the future, in seconds since 1970 (UTC), or null for never.",
                    error(admin(gateway, "POST", "/admin/keys", "{\"name\":\"x\",\"expires_at\":" + now() + "}"))
                            .string("message").orElseThrow());
            assertEquals("Unknown parameter 'nmae'. Expected: expires_at, limits, name.",
                    error(admin(gateway, "POST", "/admin/keys", "{\"nmae\":\"x\"}")).string("message").orElseThrow());
            assertEquals("No API key has the id 'key_nope'.",
                    error(admin(gateway, "GET", "/admin/keys/key_nope", null)).string("message").orElseThrow());
            var tooBig = admin(gateway, "POST", "/admin/keys", "{\"name\":\"" + "x".repeat(70_000) + "\"}");
            assertEquals(413, tooBig.statusCode());
            assertEquals("request_too_large", errorCode(tooBig));
        }
    }

    @Test
    void anUnknownIdIs404() {
        try (var gateway = start()) {
            for (var request : List.of(List.of("GET", "/admin/keys/key_nope"), List.of("PATCH", "/admin/keys/key_nope"),
                    List.of("DELETE", "/admin/keys/key_nope"), List.of("POST", "/admin/keys/key_nope/rotate"))) {
                var response = admin(gateway, request.get(0), request.get(1), request.get(0).equals("PATCH") ? "{\"name\":\"x\"}" : null);
                assertEquals(404, response.statusCode(), request.toString());
                assertEquals("key_not_found", errorCode(response), request.toString());
                assertEquals("id", error(response).string("param").orElseThrow());
                assertEquals("no-store", header(response, "Cache-Control"));
            }
        }
    }

    @Test
    void namesTellKeysApart() {
        try (var gateway = start("API_KEYS", "carol:" + CAROL)) {
            String alice = id(create(gateway, "{\"name\":\"alice\"}"));
            String bob = id(create(gateway, "{\"name\":\"bob\"}"));
            for (var attempt : List.of(
                    admin(gateway, "POST", "/admin/keys", "{\"name\":\"alice\"}"),
                    admin(gateway, "POST", "/admin/keys", "{\"name\":\" carol \"}"),
                    admin(gateway, "PATCH", "/admin/keys/" + bob, "{\"name\":\"alice\"}"))) {
                assertEquals(409, attempt.statusCode(), attempt.body());
                assertEquals("name_taken", errorCode(attempt));
                assertEquals("name", error(attempt).string("param").orElseThrow());
            }
            assertEquals(200, admin(gateway, "PATCH", "/admin/keys/" + alice, "{\"name\":\"alice\"}").statusCode(), "its own name");
            assertEquals(201, admin(gateway, "POST", "/admin/keys", "{\"name\":\"Alice\"}").statusCode(), "names are case-sensitive");
        }
    }

    @Test
    void aNameIsTakenOnceEvenWhenAskedForManyTimesAtOnce() throws Exception {
        try (var gateway = start(); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String bob = id(create(gateway, "{\"name\":\"bob\"}"));
            var start = new CountDownLatch(1);
            var answers = new ArrayList<Future<HttpResponse<String>>>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return admin(gateway, "POST", "/admin/keys", "{\"name\":\"alice\"}");
                }));
                answers.add(pool.submit(() -> {
                    start.await();
                    return admin(gateway, "PATCH", "/admin/keys/" + bob, "{\"name\":\"alice\"}");
                }));
            }
            start.countDown(); // a double click, a retried request, two admins
            var statuses = new ArrayList<Integer>();
            for (var answer : answers) {
                statuses.add(answer.get().statusCode());
            }
            // Either a create won (then bob stayed bob), or bob's rename did (then renaming him again is no change).
            long made = statuses.stream().filter(status -> status == 201).count();
            long renamed = statuses.stream().filter(status -> status == 200).count();
            assertTrue(made == 1 && renamed == 0 || made == 0 && renamed == 8, statuses.toString());
            assertEquals(16 - made - renamed, statuses.stream().filter(status -> status == 409).count(), statuses.toString());
            assertEquals(1, json(admin(gateway, "GET", "/admin/keys", null)).array("data").orElseThrow().values().stream()
                    .filter(key -> ((JsonObject) key).string("name").orElseThrow().equals("alice")).count());
        }
    }

    @Test
    void keysOfApiKeysAreListedButReadOnly() {
        try (var gateway = start("API_KEYS", "carol:" + CAROL)) {
            create(gateway, "{\"name\":\"alice\"}");
            JsonArray data = json(admin(gateway, "GET", "/admin/keys", null)).array("data").orElseThrow();
            assertEquals(List.of("alice", "carol"), data.values().stream().map(k -> ((JsonObject) k).string("name").orElseThrow()).toList());
            JsonObject carol = (JsonObject) data.values().get(1);
            assertEquals(JsonObject.builder()
                    .put("id", "settings-carol").put("object", "api_key").put("name", "carol").put("source", "settings")
                    .put("redacted", "sk-c…abcd").put("status", "active").put("created_at", JsonNull.INSTANCE)
                    .put("last_used_at", JsonNull.INSTANCE).put("expires_at", JsonNull.INSTANCE)
                    .put("limits", KeyPolicy.NONE.toJson())
                    .put("usage", JsonObject.builder().put("today", totals(0, 0, 0, 0)).put("month", totals(0, 0, 0, 0)).build())
                    .build(), carol);
            assertFalse(admin(gateway, "GET", "/admin/keys", null).body().contains(CAROL));
            assertEquals(carol, getKey(gateway, "settings-carol"));

            for (var attempt : List.of(
                    admin(gateway, "PATCH", "/admin/keys/settings-carol", "{\"disabled\":true}"),
                    admin(gateway, "POST", "/admin/keys/settings-carol/rotate", null),
                    admin(gateway, "DELETE", "/admin/keys/settings-carol", null))) {
                assertEquals(409, attempt.statusCode(), attempt.body());
                assertEquals("key_read_only", errorCode(attempt));
                assertEquals("id", error(attempt).string("param").orElseThrow());
            }
            assertEquals(200, chat(gateway, CAROL).statusCode(), "and it keeps working");
            assertEquals(1, number(usage(getKey(gateway, "settings-carol"), "today"), "requests"));
        }
    }

    @Test
    void withoutAKeyStoreKeysAreListedButNotMade() {
        try (var gateway = start("KEYS_FILE", "", "API_KEYS", "carol:" + CAROL)) {
            for (var attempt : List.of(
                    admin(gateway, "POST", "/admin/keys", "{\"name\":\"alice\"}"),
                    admin(gateway, "PATCH", "/admin/keys/key_1", "{\"name\":\"alice\"}"),
                    admin(gateway, "POST", "/admin/keys/key_1/rotate", null),
                    admin(gateway, "DELETE", "/admin/keys/key_1", null))) {
                assertEquals(409, attempt.statusCode(), attempt.body());
                assertEquals("key_store_off", errorCode(attempt));
            }
            assertEquals(List.of("settings-carol"), json(admin(gateway, "GET", "/admin/keys", null)).array("data").orElseThrow()
                    .values().stream().map(k -> id((JsonObject) k)).toList());
            assertEquals("key_not_found", errorCode(admin(gateway, "GET", "/admin/keys/key_1", null)));
            assertEquals(200, chat(gateway, CAROL).statusCode());
            assertEquals(1, number(usage(getKey(gateway, "settings-carol"), "today"), "requests"), "usage is counted in memory");
        }
    }

    @Test
    void aWrongMethodIs405WithTheMethodsAllowed() {
        try (var gateway = start()) {
            String id = id(create(gateway, "{\"name\":\"alice\"}"));
            for (var row : List.of(
                    List.of("PUT", "/admin/keys", "GET, POST"),
                    List.of("DELETE", "/admin/keys", "GET, POST"),
                    List.of("POST", "/admin/keys/" + id, "GET, PATCH, DELETE"),
                    List.of("PUT", "/admin/keys/" + id, "GET, PATCH, DELETE"),
                    List.of("GET", "/admin/keys/" + id + "/rotate", "POST"),
                    List.of("POST", "/admin/usage", "GET"),
                    List.of("POST", "/me/usage", "GET"))) {
                var response = admin(gateway, row.get(0), row.get(1), "{}");
                assertEquals(405, response.statusCode(), row.toString());
                assertEquals("method_not_allowed", errorCode(response));
                assertEquals(row.get(2), header(response, "Allow"), row.toString());
            }
            assertEquals("alice", getKey(gateway, id).string("name").orElseThrow(), "GET changes nothing; nothing else ran");
        }
    }

    @Test
    void theAdminApiGetsNoCorsHeadersEvenForAnAllowedOrigin() {
        String app = "https://app.example.com";
        try (var gateway = start("CORS_ALLOW_ORIGINS", app, "API_KEYS", "carol:" + CAROL)) {
            String id = id(create(gateway, "{\"name\":\"alice\"}"));
            var models = send(gateway, "OPTIONS", "/v1/models", null, "Origin", app, "Access-Control-Request-Method", "GET",
                    "Access-Control-Request-Headers", "authorization");
            assertEquals(204, models.statusCode(), "CORS is on for the API");
            assertEquals(app, header(models, "Access-Control-Allow-Origin"));

            for (String path : List.of("/admin/keys", "/admin/keys/" + id, "/admin/keys/" + id + "/rotate", "/admin/usage")) {
                var preflight = send(gateway, "OPTIONS", path, null, "Origin", app, "Access-Control-Request-Method", "DELETE",
                        "Access-Control-Request-Headers", "authorization");
                var get = send(gateway, "GET", path, null, "Origin", app, "Authorization", "Bearer " + ADMIN);
                var post = send(gateway, "POST", path, "{\"name\":\"mallory\"}", "Origin", app, "Authorization", "Bearer " + ADMIN,
                        "Content-Type", "application/json");
                for (var response : List.of(preflight, get, post)) {
                    assertTrue(response.headers().map().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("access-control-")),
                            path + " " + response.headers().map());
                }
                assertNotEquals(204, preflight.statusCode(), path);
            }
        }
    }

    @Test
    void anExpiredKeyIsRefusedWithItsOwnCode() throws IOException {
        long now = now();
        // A key store written while the key was valid: the admin API refuses a past expiry.
        var store = KeyStore.open(keysFile());
        String expired = store.create("old", KeyPolicy.NONE, now - 60, now - 3600).secret();
        String valid = store.create("new", KeyPolicy.NONE, now + 3600, now).secret();
        try (var gateway = start()) {
            var refused = chat(gateway, expired);
            assertEquals(401, refused.statusCode());
            assertEquals("authentication_error", error(refused).string("type").orElseThrow());
            assertEquals("key_expired", errorCode(refused));
            assertEquals("Bearer", header(refused, "WWW-Authenticate"));
            assertEquals(200, chat(gateway, valid).statusCode());

            var keys = json(admin(gateway, "GET", "/admin/keys", null)).array("data").orElseThrow().values();
            assertEquals(List.of("expired", "active"), keys.stream().map(k -> ((JsonObject) k).string("status").orElseThrow()).toList());
            String id = id((JsonObject) keys.getFirst());
            assertEquals("active", json(admin(gateway, "PATCH", "/admin/keys/" + id, "{\"expires_at\": " + (now + 600) + "}"))
                    .string("status").orElseThrow(), "extended");
            assertEquals(200, chat(gateway, expired).statusCode());
        }
    }

    @Test
    void aKeyHeldToSomeModelsMayUseAndSeeOnlyThose() {
        try (var gateway = start()) {
            String echoOnly = secret(create(gateway, "{\"name\":\"echo-only\",\"limits\":{\"models\":[\"echo\"]}}"));
            String other = secret(create(gateway, "{\"name\":\"other\",\"limits\":{\"models\":[\"gpt-4o\"]}}"));
            String any = secret(create(gateway, "{\"name\":\"any\"}"));

            assertEquals(200, chat(gateway, echoOnly).statusCode());
            var refused = chat(gateway, echoOnly, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(403, refused.statusCode());
            assertEquals("permission_error", error(refused).string("type").orElseThrow());
            assertEquals("model_not_allowed", errorCode(refused));
            assertEquals("model", error(refused).string("param").orElseThrow());
            assertEquals("This API key may not use the model 'gpt-4o'. Pick one that GET /v1/models lists, or ask the gateway's administrator.",
                    error(refused).string("message").orElseThrow());
            var unnamed = chat(gateway, echoOnly, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(403, unnamed.statusCode(), "a key held to some models must name one");
            assertEquals("model_not_allowed", errorCode(unnamed));
            var streamed = chat(gateway, echoOnly, "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(403, streamed.statusCode(), "refused before the stream opens");
            assertEquals(200, chat(gateway, any, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode());

            assertEquals(List.of("echo"), modelIds(gateway, echoOnly));
            assertEquals(List.of(), modelIds(gateway, other));
            assertEquals(List.of("echo"), modelIds(gateway, any));
            URI echo = gateway.uri().resolve("/v1/models/echo");
            assertEquals(200, TestHttp.get(echo, "Authorization", "Bearer " + echoOnly).statusCode());
            var hidden = TestHttp.get(echo, "Authorization", "Bearer " + other);
            assertEquals(404, hidden.statusCode(), "a model the key may not use is not there for it");
            assertEquals("model_not_found", errorCode(hidden));
            assertTrue(error(hidden).string("message").orElseThrow().endsWith("Models served: none yet (GET /v1/models)."),
                    "nor named among those served: " + error(hidden).string("message").orElseThrow());
        }
    }

    static List<String> modelIds(Gateway gateway, String key) {
        var models = TestHttp.get(gateway.uri().resolve("/v1/models"), "Authorization", "Bearer " + key);
        assertEquals(200, models.statusCode());
        return json(models).array("data").orElseThrow().values().stream().map(m -> ((JsonObject) m).string("id").orElseThrow()).toList();
    }

    @Test
    void aSpentBudgetIs429UntilItResetsAndTellsClientsNotToRetrySoon() {
        try (var gateway = start()) {
            String daily = secret(create(gateway, "{\"name\":\"daily\",\"limits\":{\"tokens_per_day\":5}}"));
            String monthly = secret(create(gateway, "{\"name\":\"monthly\",\"limits\":{\"tokens_per_month\":3}}"));
            assertEquals(200, chat(gateway, daily).statusCode()); // "hi" → "Echo: hi": 1 + 2 tokens
            assertEquals(200, chat(gateway, daily).statusCode(), "3 of 5 used: let in, and may overshoot");
            var refused = chat(gateway, daily);
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            long midnight = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            assertEquals(429, refused.statusCode());
            assertEquals("rate_limit_error", error(refused).string("type").orElseThrow());
            assertEquals("budget_exceeded", errorCode(refused));
            assertEquals("false", header(refused, "x-should-retry"));
            assertEquals(Instant.ofEpochSecond(midnight).toString(), header(refused, "x-budget-reset"));
            long retryAfter = Long.parseLong(header(refused, "Retry-After"));
            assertTrue(Math.abs(midnight - now() - retryAfter) <= 2, "Retry-After " + retryAfter);
            assertTrue(error(refused).string("message").orElseThrow().startsWith("This API key has used its 5 tokens per day (6 used)."));

            assertEquals(200, chat(gateway, monthly).statusCode());
            var month = chat(gateway, monthly);
            assertEquals("budget_exceeded", errorCode(month));
            assertEquals(Instant.ofEpochSecond(today.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond()).toString(),
                    header(month, "x-budget-reset"));
        }
    }

    @Test
    void aKeysOwnRatesApplyToItAlone() {
        try (var gateway = start("RATE_LIMIT_RPM", "100")) {
            String slow = secret(create(gateway, "{\"name\":\"slow\",\"limits\":{\"requests_per_minute\":1}}"));
            String frugal = secret(create(gateway, "{\"name\":\"frugal\",\"limits\":{\"tokens_per_minute\":3}}"));
            String normal = secret(create(gateway, "{\"name\":\"normal\"}"));

            var first = chat(gateway, slow);
            assertEquals(200, first.statusCode());
            assertEquals("1", header(first, "x-ratelimit-limit-requests"));
            var second = chat(gateway, slow);
            assertEquals(429, second.statusCode());
            assertEquals("rate_limit_exceeded", errorCode(second));
            assertNotNull(header(second, "Retry-After"));

            assertEquals(200, chat(gateway, frugal).statusCode()); // 3 tokens
            var overTokens = chat(gateway, frugal);
            assertEquals(429, overTokens.statusCode());
            assertEquals("rate_limit_exceeded", errorCode(overTokens));
            assertTrue(error(overTokens).string("message").orElseThrow().contains("tokens per minute (3)"));

            var defaults = chat(gateway, normal);
            assertEquals(200, defaults.statusCode());
            assertEquals("100", header(defaults, "x-ratelimit-limit-requests"), "RATE_LIMIT_RPM for keys without their own");
        }
    }

    @Test
    void oneRequestMoreThanMaxInFlightIs429() throws Exception {
        // A streamed echo pauses 1 s between its words: long enough to send another request meanwhile.
        try (var gateway = start("ECHO_TOKEN_DELAY_MS", "1000")) {
            JsonObject one = create(gateway, "{\"name\":\"one\",\"limits\":{\"max_in_flight\":1}}");
            String secret = secret(one);
            var stream = TestHttp.open(gateway.uri().resolve("/v1/chat/completions"),
                    "{\"model\":\"echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                    "Authorization", "Bearer " + secret);
            assertEquals(200, stream.statusCode());
            try (var lines = TestHttp.lines(stream)) {
                assertNotNull(TestHttp.nextData(lines)); // the stream is open: its request is in flight

                var second = chat(gateway, secret);
                assertEquals(429, second.statusCode());
                assertEquals("rate_limit_error", error(second).string("type").orElseThrow());
                assertEquals("concurrency_limit_exceeded", errorCode(second));
                assertEquals("1", header(second, "Retry-After"));

                String last = null;
                for (String data; (data = TestHttp.nextData(lines)) != null; ) {
                    last = data;
                }
                assertEquals("[DONE]", last);
            }
            // Usage is counted after the request's place is given back.
            await("the stream counted", () -> number(usage(getKey(gateway, id(one)), "today"), "requests") == 2);
            assertEquals(totals(2, 1, 1, 2), usage(getKey(gateway, id(one)), "today"), "the refusal counts as an error");
            assertEquals(200, chat(gateway, secret).statusCode(), "its place is free again");
        }
    }

    @Test
    void usageCountsEachRequestAndTheTokensItsAnswerReported() throws Exception {
        try (var gateway = start("API_KEYS", "carol:" + CAROL)) {
            JsonObject alice = create(gateway, "{\"name\":\"alice\",\"limits\":{\"models\":[\"echo\"]}}");
            String id = id(alice);
            long input = 0;
            long output = 0;
            for (String prompt : List.of("hi", "one two three", "a b c d e f")) {
                var answer = chat(gateway, secret(alice), "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}");
                JsonObject counts = json(answer).object("usage").orElseThrow();
                input += number(counts, "prompt_tokens");
                output += number(counts, "completion_tokens");
            }
            var streamed = chat(gateway, secret(alice), """
                    {"model":"echo","stream":true,"stream_options":{"include_usage":true},
                     "messages":[{"role":"user","content":"streamed words"}]}""");
            List<String> frames = TestHttp.dataLines(streamed.body());
            JsonObject streamedUsage = json(frames.get(frames.size() - 2)).object("usage").orElseThrow();
            input += number(streamedUsage, "prompt_tokens");
            output += number(streamedUsage, "completion_tokens");
            assertEquals(403, chat(gateway, secret(alice), "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"no\"}]}")
                    .statusCode());
            assertEquals(200, chat(gateway, CAROL).statusCode());
            assertEquals(401, chat(gateway, "gw-nobody").statusCode());

            JsonObject expected = totals(5, 1, input, output);
            assertEquals(expected, usage(getKey(gateway, id), "today"));
            assertEquals(expected, usage(getKey(gateway, id), "month"));

            var response = admin(gateway, "GET", "/admin/usage?key=" + id, null);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("no-store", header(response, "Cache-Control"));
            JsonObject report = json(response);
            assertEquals("usage", report.string("object").orElseThrow());
            assertEquals(3600, number(report, "bucket_seconds"));
            long from = number(report, "from");
            long to = number(report, "to");
            assertEquals(0, from % 3600);
            assertTrue(to - from >= 86_400 && to - from <= 86_400 + 3600, "the last 24 hours: " + from + " to " + to);
            assertTrue(Math.abs(to - now()) <= 2);
            assertEquals(List.of(expected.toBuilder().put("id", id).put("name", "alice").build()),
                    report.array("by_key").orElseThrow().values());
            List<JsonValue> hours = report.array("data").orElseThrow().values();
            assertTrue(hours.size() == 24 || hours.size() == 25, "every hour, zeros included: " + hours.size());
            assertEquals(from, number((JsonObject) hours.getFirst(), "start"));
            long requests = 0;
            for (int i = 0; i < hours.size(); i++) {
                JsonObject hour = (JsonObject) hours.get(i);
                assertEquals(from + i * 3600L, number(hour, "start"));
                requests += number(hour, "requests");
            }
            assertEquals(5, requests);

            JsonObject all = json(admin(gateway, "GET", "/admin/usage", null));
            assertEquals(List.of("alice", "carol"), all.array("by_key").orElseThrow().values().stream()
                    .map(k -> ((JsonObject) k).string("name").orElseThrow()).toList());
            long allRequests = all.array("data").orElseThrow().values().stream().mapToLong(h -> number((JsonObject) h, "requests")).sum();
            assertEquals(6, allRequests, "alice's 5 and carol's 1; a 401 is nobody's");

            long hourAgo = now() - 3600;
            JsonObject earlier = json(admin(gateway, "GET", "/admin/usage?key=" + id + "&from=" + (hourAgo - 7200) + "&to=" + (hourAgo - 3600), null));
            assertEquals(totals(0, 0, 0, 0).toBuilder().put("id", id).put("name", "alice").build(),
                    earlier.array("by_key").orElseThrow().values().getFirst(), "nothing then");
        }
    }

    @Test
    void aBadRangeIs400() {
        String rows = """
                from=100&to=100                                   | from
                from=200&to=100                                   | from
                from=0&to=7776001                                 | from
                from=yesterday                                    | from
                to=1.5                                            | to
                from=9223372036854775000&to=9223372036854775807   | to
                from=-1&to=9223372036854775807                    | to
                from=-9223372036854775808&to=-9223372036854775000 | to
                from=-7200&to=-3600                               | to
                from=-3600&to=3600                                | from
                from=0&to=253402300800                            | to
                """;
        try (var gateway = start("API_KEYS", "carol:" + CAROL)) {
            for (String row : rows.lines().toList()) {
                String query = row.split("\\|")[0].strip();
                String param = row.split("\\|")[1].strip();
                for (var response : List.of(admin(gateway, "GET", "/admin/usage?" + query, null),
                        send(gateway, "GET", "/me/usage?" + query, null, "Authorization", "Bearer " + CAROL))) {
                    assertEquals(400, response.statusCode(), row + " → " + response.body());
                    assertEquals("invalid_range", errorCode(response), row);
                    assertEquals(param, error(response).string("param").orElseThrow(), row);
                }
            }
            assertEquals("'from' must come before 'to', at most 90 days apart (the usage kept).",
                    error(admin(gateway, "GET", "/admin/usage?from=5&to=5", null)).string("message").orElseThrow());
            assertEquals(200, admin(gateway, "GET", "/admin/usage?from=0&to=7776000", null).statusCode(), "90 days exactly");
        }
    }

    @Test
    void theUsageOfAnUnknownKeyIs404() {
        try (var gateway = start()) {
            var response = admin(gateway, "GET", "/admin/usage?key=key_nope", null);
            assertEquals(404, response.statusCode());
            assertEquals("key_not_found", errorCode(response));
            assertEquals("key", error(response).string("param").orElseThrow(), "named where the request named it");
        }
    }

    @Test
    void aRevokedKeysPastUsageStillCountsInTheTotals() {
        try (var gateway = start()) {
            var created = create(gateway, "{\"name\":\"gone\"}");
            assertEquals(200, chat(gateway, secret(created)).statusCode());
            assertEquals(200, admin(gateway, "DELETE", "/admin/keys/" + id(created), null).statusCode());
            JsonObject usage = json(admin(gateway, "GET", "/admin/usage", null));
            long requests = usage.array("data").orElseThrow().values().stream()
                    .mapToLong(hour -> number((JsonObject) hour, "requests")).sum();
            assertEquals(1, requests, usage.toJson());
            var byKey = (JsonObject) usage.array("by_key").orElseThrow().get(0);
            assertEquals(id(created), byKey.string("id").orElseThrow());
            assertEquals("revoked " + id(created), byKey.string("name").orElseThrow());
            assertEquals(200, admin(gateway, "GET", "/admin/usage?key=" + id(created), null).statusCode());
        }
    }

    @Test
    void aKeyHolderSeesOnlyTheirOwnUsage() {
        try (var gateway = start("API_KEYS", "carol:" + CAROL)) {
            JsonObject alice = create(gateway, "{\"name\":\"alice\"}");
            JsonObject bob = create(gateway, "{\"name\":\"bob\"}");
            chat(gateway, secret(alice));
            chat(gateway, secret(alice));
            chat(gateway, secret(bob));

            var response = send(gateway, "GET", "/me/usage?key=" + id(alice), null, "Authorization", "Bearer " + secret(bob));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("no-store", header(response, "Cache-Control"));
            assertFalse(response.body().contains(id(alice)), response.body());
            assertFalse(response.body().contains("alice"), response.body());
            assertFalse(response.body().contains(secret(bob)), "never a secret, not even one's own");
            JsonObject mine = json(response);
            assertEquals(getKey(gateway, id(bob)).toBuilder().remove("last_used_at").build(),
                    mine.object("key").orElseThrow().toBuilder().remove("last_used_at").build());
            assertEquals(List.of(totals(1, 0, 1, 2).toBuilder().put("id", id(bob)).put("name", "bob").build()),
                    mine.array("by_key").orElseThrow().values());
            assertEquals(1, mine.array("data").orElseThrow().values().stream().mapToLong(h -> number((JsonObject) h, "requests")).sum());

            JsonObject aliceSees = json(send(gateway, "GET", "/me/usage", null, "Authorization", "Bearer " + secret(alice)));
            assertEquals(2, number((JsonObject) aliceSees.array("by_key").orElseThrow().values().getFirst(), "requests"));

            chat(gateway, CAROL);
            JsonObject carolSees = json(send(gateway, "GET", "/me/usage", null, "x-api-key", CAROL));
            assertEquals("settings", carolSees.object("key").orElseThrow().string("source").orElseThrow());
            assertEquals(1, number((JsonObject) carolSees.array("by_key").orElseThrow().values().getFirst(), "requests"));

            assertEquals("missing_api_key", errorCode(send(gateway, "GET", "/me/usage", null)));
            assertEquals("invalid_api_key", errorCode(send(gateway, "GET", "/me/usage", null, "Authorization", "Bearer " + ADMIN)));
            admin(gateway, "PATCH", "/admin/keys/" + id(bob), "{\"disabled\":true}");
            assertEquals("key_disabled", errorCode(send(gateway, "GET", "/me/usage", null, "Authorization", "Bearer " + secret(bob))));
        }
    }

    @Test
    void keysAndUsageSurviveARestart() throws IOException {
        JsonObject alice;
        try (var gateway = start()) {
            alice = create(gateway, "{\"name\":\"alice\",\"limits\":{\"max_in_flight\":4}}");
            chat(gateway, secret(alice));
            chat(gateway, secret(alice));
        }
        Path usageFile = folder.resolve("keys.usage.json");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keysFile()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(usageFile));
        try (var gateway = start()) {
            JsonObject again = getKey(gateway, id(alice));
            assertEquals(totals(2, 0, 2, 4), usage(again, "today"));
            assertNotEquals(JsonNull.INSTANCE, again.get("last_used_at"), "saved at shutdown");
            assertEquals(alice.toBuilder().remove("key").remove("usage").remove("last_used_at").build(),
                    again.toBuilder().remove("usage").remove("last_used_at").build());
            assertEquals(200, chat(gateway, secret(alice)).statusCode(), "the same secret");
            assertEquals(3, number(usage(getKey(gateway, id(alice)), "today"), "requests"));
        }
    }

    @Test
    void aKeyStoreChangedOnDiskIsReadWithinASecond() throws Exception {
        try (var gateway = start()) {
            JsonObject alice = create(gateway, "{\"name\":\"alice\"}");
            assertEquals(200, chat(gateway, secret(alice)).statusCode());
            // An operator's tool disables the key in the file.
            KeyStore.open(keysFile()).update(id(alice), key -> new StoredKey(key.id(), key.name(), key.digest(), key.prefix(),
                    key.last4(), key.createdAt(), key.expiresAt(), true, key.policy()));
            await("key_disabled", () -> chat(gateway, secret(alice)).statusCode() == 401);
            assertEquals("key_disabled", errorCode(chat(gateway, secret(alice))));
            assertTrue(log.stream().anyMatch(line -> line.contains("\"event\":\"key_store_reloaded\"")));
        }
    }

    @Test
    void aKeyStoreThatCannotBeWrittenIsA500AndTheKeysInUseStay() throws IOException {
        try (var gateway = start()) {
            String alice = secret(create(gateway, "{\"name\":\"alice\"}"));
            Files.writeString(keysFile(), "{\"keys\": [ an edit half done");
            var refused = admin(gateway, "POST", "/admin/keys", "{\"name\":\"bob\"}");
            assertEquals(500, refused.statusCode(), refused.body());
            assertEquals("api_error", error(refused).string("type").orElseThrow());
            assertEquals("key_store_error", errorCode(refused));
            assertTrue(error(refused).string("message").orElseThrow().contains("is not a key store"), refused.body());
            assertEquals("{\"keys\": [ an edit half done", Files.readString(keysFile()), "the edit is left to finish");
            assertEquals(200, chat(gateway, alice).statusCode());
        }
    }
}
