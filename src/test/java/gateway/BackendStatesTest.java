package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What operators see of the backends: /admin/backends, /readyz and the metrics. */
class BackendStatesTest {
    @Test
    void theAdminApiIsHiddenWithoutItsKeyAndClosedWithoutIt() {
        try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0")), new Log(line -> { }))) {
            var hidden = TestHttp.get(gateway.uri().resolve("/admin/backends"), "Authorization", "Bearer anything");
            assertEquals(404, hidden.statusCode());
            assertEquals("not_found", errorCode(hidden));
        }
        try (var fleet = Fleet.of(List.of(MockOptions.defaults()))) {
            URI admin = fleet.gateway.uri().resolve("/admin/backends");
            assertEquals(401, TestHttp.get(admin).statusCode());
            assertEquals(401, TestHttp.get(admin, "Authorization", "Bearer sk-wrong").statusCode());
            assertEquals(200, TestHttp.get(admin, "Authorization", "Bearer " + Fleet.ADMIN_KEY).statusCode());
        }
    }

    @Test
    void eachBackendShowsItsAddressWithoutCredentialsItsLoadHealthAndCounters() {
        try (var mock = MockBackend.start("127.0.0.1", 0, MockOptions.defaults().toBuilder().cacheTokens(10_000).build());
             var fleet = Fleet.over(List.of(URI.create("http://user:sk-in-url@127.0.0.1:" + mock.port())),
                     "BACKEND_B1_SLOTS", "4", "BACKEND_B1_API_KEY", "sk-backend-secret", "BACKEND_B1_WEIGHT", "3")) {
            String conversation = "{\"messages\":[{\"role\":\"system\",\"content\":\"" + "Be precise. ".repeat(30)
                    + "\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
            TestHttp.post(fleet.chat(), conversation);
            TestHttp.post(fleet.chat(), conversation);

            JsonObject b1 = fleet.backend("b1");
            assertEquals("http://127.0.0.1:" + mock.port(), b1.string("url").orElseThrow());
            assertEquals("available", b1.string("state").orElseThrow());
            assertEquals(4, b1.longValue("slots").orElseThrow());
            assertEquals(3, b1.longValue("weight").orElseThrow());
            assertEquals(0, b1.longValue("in_flight").orElseThrow());
            assertEquals("[\"mock-model\"]", b1.get("models").toJson(), "discovered from its /v1/models");
            assertEquals("healthy", b1.object("health").orElseThrow().string("state").orElseThrow());
            assertEquals("{\"ok\":2}", b1.get("attempts").toJson());
            assertEquals(2, b1.object("latency").orElseThrow().longValue("count").orElseThrow());
            assertTrue(b1.longValue("prompt_tokens").orElseThrow() > 0);
            assertTrue(b1.longValue("cached_tokens").orElseThrow() > 0, "the second request found the first's prefix");

            String everything = fleet.admin().toJson() + TestHttp.get(fleet.gateway.uri().resolve("/readyz")).body()
                    + TestHttp.get(fleet.gateway.uri().resolve("/metrics?format=prometheus")).body() + String.join("\n", fleet.log);
            assertFalse(everything.contains("sk-backend-secret") || everything.contains("sk-in-url"), "no credential shows anywhere");
        }
    }

    @Test
    void readinessListsEachBackendAndFailsWhenNoneTakesRequests() throws Exception {
        try (var fleet = Fleet.over(List.of(FailoverTest.closedPort(), FailoverTest.closedPort()))) {
            var ready = TestHttp.get(fleet.gateway.uri().resolve("/readyz"));
            assertEquals(503, ready.statusCode());
            JsonObject body = json(ready);
            assertTrue(body.string("reason").orElseThrow().startsWith("no backend takes requests: b1 unhealthy (Cannot connect"),
                    body.toJson());
            assertEquals("unhealthy", ((JsonObject) body.array("backends").orElseThrow().get(1)).string("state").orElseThrow());
        }
        try (var fleet = Fleet.of(List.of(MockOptions.defaults()), "BACKEND_B2_URL", "http://127.0.0.1:9", "BACKENDS", "b1,b2")) {
            var ready = TestHttp.get(fleet.gateway.uri().resolve("/readyz"));
            assertEquals(200, ready.statusCode(), "one backend up is enough");
            assertEquals("[{\"name\":\"b1\",\"state\":\"available\",\"reason\":null},{\"name\":\"b2\",\"state\":\"unhealthy\","
                    + "\"reason\":\"Cannot connect to the backend b2 (http://127.0.0.1:9): connection refused.\"}]",
                    json(ready).get("backends").toJson());
        }
    }

    @Test
    void theMetricsCarryEachBackendDecisionsAndTheQueue() {
        try (var fleet = Fleet.of(List.of(MockOptions.defaults(), MockOptions.defaults()), "ROUTING", "round-robin")) {
            fleet.ask(null, "hi");
            fleet.ask(null, "hi");
            String prometheus = TestHttp.get(fleet.gateway.uri().resolve("/metrics?format=prometheus")).body();
            for (String series : List.of("gateway_backend_attempts_total{backend=\"b1\",outcome=\"ok\"} 1",
                    "gateway_backend_attempts_total{backend=\"b2\",outcome=\"ok\"} 1",
                    "gateway_backend_in_flight{backend=\"b1\"} 0", "gateway_backend_healthy{backend=\"b2\"} 1",
                    "gateway_backend_ejected{backend=\"b1\"} 0", "gateway_backend_slots{backend=\"b1\"} 0",
                    "gateway_route_decisions_total{policy=\"round-robin\",reason=\"round_robin\"} 2",
                    "gateway_queue_depth 0", "gateway_queue_wait_seconds_count 0")) {
                assertTrue(prometheus.contains(series + "\n"), series + " in:\n" + prometheus);
            }
            JsonObject json = fleet.metrics();
            assertEquals(1, json.object("backends").orElseThrow().object("b1").orElseThrow().object("attempts").orElseThrow()
                    .longValue("ok").orElseThrow());
            assertEquals(2, json.object("route_decisions").orElseThrow().longValue("round-robin/round_robin").orElseThrow());
        }
    }
}
