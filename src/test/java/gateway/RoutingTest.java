package gateway;

import static gateway.Fleet.servedBy;
import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.mock.MockOptions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Several backends: pools by model and alias, least-loaded, prefix affinity with its load bound, sessions. */
class RoutingTest {
    static MockOptions serving(String model) {
        return MockOptions.defaults().toBuilder().models(model).reply("from " + model).build();
    }

    static String content(HttpResponse<String> response) {
        return ((JsonObject) json(response).array("choices").orElseThrow().get(0)).object("message").orElseThrow()
                .string("content").orElseThrow();
    }

    @Test
    void aRequestGoesToTheBackendsOfItsModelAliasesIncludedAndAnUnknownModelIs404() {
        try (var fleet = Fleet.of(List.of(serving("llama"), serving("qwen")), "MODEL_ALIASES", "fast=qwen,gpt-4o-mini=llama")) {
            var llama = fleet.ask("llama", "hi");
            assertEquals(200, llama.statusCode(), llama.body());
            assertEquals("b1", servedBy(llama));
            assertEquals("from llama", content(llama));
            assertEquals("b2", servedBy(fleet.ask("qwen", "hi")));

            var alias = fleet.ask("fast", "hi");
            assertEquals("b2", servedBy(alias));
            assertEquals("qwen", fleet.mock(1).lastRequest().body().string("model").orElseThrow(), "the backend gets the model's own name");
            assertEquals("b1", servedBy(fleet.ask("gpt-4o-mini", "hi")));

            int before = fleet.mock(0).chatRequests() + fleet.mock(1).chatRequests();
            var unknown = fleet.ask("gpt-9", "hi");
            assertEquals(404, unknown.statusCode());
            assertEquals("model_not_found", errorCode(unknown));
            JsonObject error = json(unknown).object("error").orElseThrow();
            assertEquals("model", error.string("param").orElseThrow());
            assertEquals("The model 'gpt-9' does not exist or is not served here. Models served: fast, gpt-4o-mini, llama, qwen "
                    + "(GET /v1/models).", error.string("message").orElseThrow(), "names, never addresses");
            assertEquals(before, fleet.mock(0).chatRequests() + fleet.mock(1).chatRequests(), "no backend was asked");

            List<String> ids = new ArrayList<>();
            for (JsonValue model : json(TestHttp.get(fleet.gateway.uri().resolve("/v1/models"))).array("data").orElseThrow().values()) {
                ids.add(((JsonObject) model).string("id").orElseThrow());
            }
            assertEquals(List.of("llama", "qwen", "fast", "gpt-4o-mini"), ids, "every pool's models, then the aliases");
            assertEquals(200, fleet.ask(null, "no model named: any backend picks its own").statusCode());
        }
    }

    @Test
    void configuredModelsNeedNoDiscovery() {
        try (var fleet = Fleet.of(List.of(serving("whatever-it-lists")), "BACKEND_B1_MODELS", "m1,m2")) {
            assertEquals(200, fleet.ask("m2", "hi").statusCode());
            assertEquals(404, fleet.ask("whatever-it-lists", "hi").statusCode(), "the configured list is the operator's word");
        }
    }

    @Test
    void aWeightOfZeroDrainsABackend() {
        try (var fleet = Fleet.of(List.of(MockOptions.defaults(), MockOptions.defaults()), "BACKEND_B1_WEIGHT", "0")) {
            for (int i = 0; i < 6; i++) {
                assertEquals("b2", servedBy(fleet.ask(null, "hi")));
            }
            assertEquals("drained", fleet.backend("b1").string("state").orElseThrow());
        }
    }

    @Test
    void leastLoadedKeepsRequestsAwayFromASlowBackend() throws Exception {
        var slow = MockOptions.defaults().toBuilder().reply("slow").firstByteDelay(Duration.ofMillis(300)).build();
        try (var fleet = Fleet.of(List.of(MockOptions.defaults().withReply("fast"), slow));
             var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var ok = new AtomicInteger();
            for (int client = 0; client < 4; client++) {
                clients.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        if (fleet.ask(null, "hi").statusCode() == 200) {
                            ok.incrementAndGet();
                        }
                    }
                });
            }
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(40, ok.get());
            int toSlow = fleet.mock(1).chatRequests();
            assertTrue(toSlow <= 12, "the slow backend got " + toSlow + " of 40 (round robin would give it 20)");
        }
    }

    @Test
    void prefixAffinityHoldsAConversationOnTheBackendThatHasItsCache() {
        var cached = MockOptions.defaults().toBuilder().cacheTokens(100_000).reply("an answer of a few words").build();
        try (var fleet = Fleet.of(List.of(cached, cached, cached), "ROUTING", "prefix", "SESSION_TTL_SECONDS", "0")) {
            String system = "You answer questions about caches, briefly and precisely. ".repeat(8);
            var history = new StringBuilder("{\"role\":\"system\",\"content\":\"" + system + "\"}");
            var servers = new HashSet<String>();
            for (int turn = 1; turn <= 6; turn++) {
                history.append(",{\"role\":\"user\",\"content\":\"Question number ").append(turn).append(" about the cache?\"}");
                var response = TestHttp.post(fleet.chat(), "{\"messages\":[" + history + "]}", "X-Request-ID", "turn-" + turn);
                assertEquals(200, response.statusCode(), response.body());
                servers.add(servedBy(response));
                history.append(",{\"role\":\"assistant\",\"content\":\"").append(content(response)).append("\"}");
            }
            assertEquals(1, servers.size(), "every turn on one backend: " + servers);
            for (JsonObject line : fleet.requestLines()) {
                if (!line.string("request_id").orElse("").equals("turn-1")) {
                    assertTrue(line.longValue("cached_tokens").orElse(0L) > 100, "a later turn found its prefix cached: " + line.toJson());
                }
            }
            assertTrue(fleet.metrics().object("route_decisions").orElseThrow().longValue("prefix/affinity").orElse(0L) >= 5);
        }
    }

    @Test
    void aHotPrefixSpillsOverTheLoadBoundInsteadOfPilingOnOneBackend() throws Exception {
        var busy = MockOptions.defaults().toBuilder().firstByteDelay(Duration.ofMillis(150)).build();
        String document = "The same long document that every request quotes before its question. ".repeat(15);
        try (var fleet = Fleet.of(List.of(busy, busy, busy), "ROUTING", "prefix", "SESSION_TTL_SECONDS", "0");
             var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var ok = new AtomicInteger();
            for (int client = 0; client < 12; client++) {
                int c = client;
                clients.submit(() -> {
                    for (int i = 0; i < 3; i++) {
                        String body = "{\"messages\":[{\"role\":\"system\",\"content\":\"" + document
                                + "\"},{\"role\":\"user\",\"content\":\"Question " + c + "-" + i + "\"}]}";
                        if (TestHttp.post(fleet.chat(), body).statusCode() == 200) {
                            ok.incrementAndGet();
                        }
                    }
                });
            }
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(36, ok.get());
            int busiest = fleet.mocks.stream().mapToInt(m -> m.chatRequests()).max().orElseThrow();
            assertTrue(busiest <= 20, "the busiest backend served " + busiest + " of 36; affinity alone would pile all on one");
            assertTrue(fleet.metrics().object("route_decisions").orElseThrow().longValue("prefix/spill").orElse(0L) > 0);
        }
    }

    @Test
    void aSessionStaysOnItsBackend() {
        try (var fleet = Fleet.of(List.of(MockOptions.defaults(), MockOptions.defaults(), MockOptions.defaults()))) {
            var servers = ConcurrentHashMap.<String>newKeySet();
            for (int i = 0; i < 6; i++) {
                servers.add(servedBy(fleet.ask(null, "hi", "X-Session-ID", "session-42")));
            }
            assertEquals(1, servers.size(), "" + servers);
            var byUser = new HashSet<String>();
            for (int i = 0; i < 6; i++) {
                byUser.add(servedBy(TestHttp.post(fleet.chat(), "{\"user\":\"u-7\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
            }
            assertEquals(1, byUser.size(), "the request's user is a session too: " + byUser);
            assertTrue(fleet.metrics().object("route_decisions").orElseThrow().longValue("least-loaded/session").orElseThrow() >= 10);
        }
    }
}
