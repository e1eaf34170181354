package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import gateway.openai.ModelRequest;
import gateway.worker.TextWorker;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link Gateway#reload}: new settings in force while the gateway serves, and what it says about them. */
class ReloadGatewayTest {
    static final String HELLO = SilenceTest.HELLO;
    static final String STREAM = SilenceTest.STREAM;
    static final String TWO_MESSAGES = "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String FRAME = InFlightGatewayTest.FRAME;
    static final String DONE = InFlightGatewayTest.DONE;

    final List<String> log = new CopyOnWriteArrayList<>();

    /** An echo gateway's settings on a free port, with {@code pairs} (KEY, value, …) added. */
    static Settings settings(String... pairs) {
        var values = new HashMap<String, String>();
        values.put("PORT", "0");
        values.put("ECHO_TOKEN_DELAY_MS", "0");
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return Settings.from(values);
    }

    @Test
    void newKeysAndLimitsApplyToTheNextRequest() {
        try (var gateway = Gateway.start(settings("API_KEYS", "alice:sk-alice-old", "ADMIN_API_KEY", "sk-admin-reload"),
                new Log(log::add))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            assertEquals(200, TestHttp.post(chat, TWO_MESSAGES, "Authorization", "Bearer sk-alice-old").statusCode());

            var change = gateway.reload(settings("API_KEYS", "bob:sk-bob-new,carol:sk-carol-new", "ADMIN_API_KEY", "sk-admin-reload",
                    "RATE_LIMIT_RPM", "1", "MAX_MESSAGES", "1"));
            assertEquals(List.of("MAX_MESSAGES", "API_KEYS", "RATE_LIMIT_RPM", "RATE_LIMIT_BURST"), change.reloaded());

            var removed = TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-alice-old");
            assertEquals(401, removed.statusCode());
            assertEquals("invalid_api_key", errorCode(removed));
            assertEquals(200, TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-bob-new").statusCode());
            var limited = TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-bob-new");
            assertEquals(429, limited.statusCode(), "RATE_LIMIT_RPM=1");
            var tooMany = TestHttp.post(chat, TWO_MESSAGES, "Authorization", "Bearer sk-carol-new");
            assertEquals(400, tooMany.statusCode(), "MAX_MESSAGES=1");
            assertEquals("invalid_messages", errorCode(tooMany));

            var listed = json(TestHttp.get(gateway.uri().resolve("/admin/keys"), "Authorization", "Bearer sk-admin-reload"));
            assertEquals(List.of("bob", "carol"), listed.array("data").orElseThrow().values().stream()
                    .map(key -> ((JsonObject) key).string("name").orElseThrow()).toList(), "the console shows the keys in force");
        }
        assertTrue(log.stream().anyMatch(line -> line.contains("\"event\":\"settings_reloaded\",\"keys\":\"MAX_MESSAGES,API_KEYS,")), log.toString());
        assertTrue(log.stream().noneMatch(line -> line.contains("sk-")), "no key in the log: " + log);
    }

    @Test
    void newBackendsTakeNewRequestsWhileAStreamEndsOnTheOldOnesWhichAreThenClosed() throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withReply("from the mock"));
             var stub = StubBackend.events(FRAME, StubBackend.WAIT, DONE).healthy();
             var gateway = Gateway.start(settings(), new Log(log::add))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            assertEquals("Echo: hi", content(TestHttp.post(chat, HELLO)));

            gateway.reload(settings("BACKEND_URL", mock.uri().toString()));
            assertEquals("from the mock", content(TestHttp.post(chat, HELLO)), "echo to a backend");
            assertEquals("backend", readiness(gateway).string("mode").orElseThrow());

            Set<Thread> before = Thread.getAllStackTraces().keySet();
            gateway.reload(settings("BACKENDS", "stub", "BACKEND_STUB_URL", stub.uri().toString()));
            var routerThreads = new HashSet<>(Thread.getAllStackTraces().keySet());
            routerThreads.removeAll(before);
            routerThreads.removeIf(t -> !t.getName().equals("backend-prober") && !t.getName().matches("HttpClient-\\d+-SelectorManager"));
            assertEquals(2, routerThreads.size(), "the new router's health checks and HTTP client: " + routerThreads);
            BufferedReader stream = TestHttp.lines(TestHttp.open(chat, STREAM));
            assertNotNull(TestHttp.nextData(stream), "a stream in flight on the stub");
            assertNotNull(stub.takeRequest());
            assertTrue(metrics(gateway).object("backends").orElseThrow().members().containsKey("stub"), "the gauges follow the router");

            gateway.reload(settings());
            assertEquals("Echo: hi", content(TestHttp.post(chat, HELLO)), "new requests go to the new worker at once");
            assertEquals("echo", readiness(gateway).string("mode").orElseThrow());
            assertEquals(List.of(), List.copyOf(metrics(gateway).object("backends").orElseThrow().members().keySet()));
            assertTrue(routerThreads.stream().allMatch(Thread::isAlive), "the old router stays open for the stream it serves");

            stub.release();
            assertEquals("[DONE]", TestHttp.nextData(stream), "the stream ends whole, on the backend it began on");
            Fleet.await("the old router's threads end", () -> routerThreads.stream().noneMatch(Thread::isAlive));
        }
    }

    @Test
    void reloadsWhileRequestsRunLoseNoneAndLeaveNoRouterBehind() throws Exception {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withReply("from the mock"));
             var gateway = Gateway.start(settings(), new Log(log::add))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            var stop = new AtomicBoolean();
            var answers = new ConcurrentLinkedQueue<String>();
            var clients = new ArrayList<Thread>();
            for (String body : List.of(HELLO, STREAM, HELLO, STREAM, HELLO, STREAM, HELLO, STREAM)) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        var response = TestHttp.post(chat, body);
                        answers.add(response.statusCode() + " " + (response.body().contains("Echo:") || response.body().contains("mock")));
                    }
                }));
            }
            for (int i = 0; i < 20; i++) {
                gateway.reload(i % 2 == 0 ? settings("BACKENDS", "m", "BACKEND_M_URL", mock.uri().toString()) : settings());
                int seen = answers.size();
                Fleet.await("a request answered since the reload", () -> answers.size() > seen + 8);
            }
            stop.set(true);
            for (Thread client : clients) {
                client.join();
            }
            assertEquals(Set.of("200 true"), Set.copyOf(answers), "every request answered, by echo or the mock");
            var leftover = new HashSet<>(Thread.getAllStackTraces().keySet());
            leftover.removeAll(before);
            Fleet.await("every router replaced has ended its threads", () -> leftover.stream()
                    .noneMatch(t -> t.isAlive() && t.getName().equals("backend-prober")));
        }
    }

    @Test
    void anEmbeddersOwnWorkerStaysWhateverTheBackendsWhileTheLimitsChange() {
        var shout = new TextWorker("shout") {
            @Override
            protected String reply(ModelRequest request, String prompt) {
                return prompt.toUpperCase(Locale.ROOT);
            }
        };
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().withReply("from the mock"));
             var gateway = Gateway.builder().port(0).log(log::add).worker(shout).start()) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            gateway.reload(settings("BACKEND_URL", mock.uri().toString(), "MAX_MESSAGES", "1"));
            assertEquals("HI", content(TestHttp.post(chat, HELLO)));
            assertEquals(400, TestHttp.post(chat, TWO_MESSAGES).statusCode(), "MAX_MESSAGES=1");
            assertEquals(0, mock.chatRequests());
        }
    }

    @Test
    void aLowerInFlightLimitTurnsNewChatsAwayWhileThoseAlreadyInFinish() throws Exception {
        try (var stub = StubBackend.events(FRAME, StubBackend.WAIT, DONE);
             var gateway = Gateway.start(settings("BACKEND_URL", stub.uri().toString(), "MAX_REQUESTS_IN_FLIGHT", "2"),
                     new Log(log::add))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            BufferedReader first = TestHttp.lines(TestHttp.open(chat, STREAM));
            assertNotNull(TestHttp.nextData(first));
            assertNotNull(stub.takeRequest());

            gateway.reload(settings("BACKEND_URL", stub.uri().toString(), "MAX_REQUESTS_IN_FLIGHT", "1"));
            var turnedAway = TestHttp.post(chat, HELLO);
            assertEquals(503, turnedAway.statusCode());
            assertEquals("overloaded", errorCode(turnedAway));

            stub.release();
            assertEquals("[DONE]", TestHttp.nextData(first), "the request already in keeps its place");
            while (first.readLine() != null) {
                // to the end of the response: the request has left the gateway
            }
            stub.reply(new StubBackend.Reply(200, "text/event-stream", List.of(FRAME, DONE)));
            assertEquals(200, TestHttp.post(chat, STREAM).statusCode(), "one at a time now");
        }
    }

    @Test
    void aHigherLogLevelDropsRequestLinesAndTheReloadThatSetsItIsStillSaid() {
        try (var gateway = Gateway.start(settings(), new Log(log::add))) {
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            TestHttp.post(chat, HELLO, "X-Request-ID", "shown-1");
            gateway.reload(settings("LOG_LEVEL", "warn"));
            TestHttp.post(chat, HELLO, "X-Request-ID", "dropped");
            gateway.reload(settings()); // said at warn: its settings_reloaded line is dropped
            TestHttp.post(chat, HELLO, "X-Request-ID", "shown-2");
        }
        List<JsonObject> lines = log.stream().map(TestHttp::json).toList();
        assertEquals(List.of("shown-1", "shown-2"), lines.stream()
                .filter(line -> line.string("event").orElseThrow().equals("request"))
                .map(line -> line.string("request_id").orElseThrow()).toList());
        assertEquals(List.of("LOG_LEVEL"), lines.stream()
                .filter(line -> line.string("event").orElseThrow().equals("settings_reloaded"))
                .map(line -> line.string("keys").orElseThrow()).toList());
    }

    @Test
    void whatOnlyARestartChangesKeepsItsRunningValueAndIsNamedWithoutItsValue() {
        try (var gateway = Gateway.start(settings("ADMIN_API_KEY", "sk-admin-old"), new Log(log::add))) {
            URI before = gateway.uri();
            var change = gateway.reload(settings("HOST", "0.0.0.0", "UI_ENABLED", "false", "ADMIN_API_KEY", "sk-admin-new",
                    "MAX_TOKENS_LIMIT", "5"));
            assertEquals(List.of("MAX_TOKENS_LIMIT"), change.reloaded());
            assertEquals(List.of("HOST", "UI_ENABLED", "ADMIN_API_KEY"), change.needRestart());

            assertEquals(before, gateway.uri());
            assertEquals(200, TestHttp.get(before.resolve("/")).statusCode(), "the pages are still served");
            assertEquals(200, TestHttp.get(before.resolve("/admin/keys"), "Authorization", "Bearer sk-admin-old").statusCode());
            assertEquals(401, TestHttp.get(before.resolve("/admin/keys"), "Authorization", "Bearer sk-admin-new").statusCode());
            var tooLong = TestHttp.post(before.resolve("/v1/chat/completions"),
                    "{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(400, tooLong.statusCode(), "MAX_TOKENS_LIMIT=5 applies");
        }
        assertTrue(log.stream().anyMatch(line -> line.contains(
                "\"level\":\"warn\",\"event\":\"settings_reload_needs_restart\",\"keys\":\"HOST,UI_ENABLED,ADMIN_API_KEY\"")), log.toString());
        assertFalse(log.stream().anyMatch(line -> line.contains("sk-admin")), log.toString());
    }

    private static String content(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return ((JsonObject) json(response).array("choices").orElseThrow().values().getFirst())
                .object("message").orElseThrow().string("content").orElseThrow();
    }

    private static JsonObject readiness(Gateway gateway) {
        return json(TestHttp.get(gateway.uri().resolve("/readyz")));
    }

    private static JsonObject metrics(Gateway gateway) {
        return json(TestHttp.get(gateway.uri().resolve("/metrics")));
    }
}
