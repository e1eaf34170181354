package gateway;

import static gateway.TestHttp.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.http.ApiError;
import gateway.mock.MockOptions;
import gateway.route.RoutingPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Request checks and routing policies in a running gateway: where they sit on the request's path. */
class ExtensionsTest {
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<String> checked = new CopyOnWriteArrayList<>();

    private RequestCheck recording(String name) {
        return (request, client) -> checked.add(name + " " + request.operation() + " " + client.key() + "@" + client.address());
    }

    @Test
    void checksRunInOrderOnEveryOperationAfterTheGatewaysOwn() {
        try (var gateway = Gateway.builder().port(0).log(log::add).setting("API_KEYS", "alice:sk-alice")
                .check(recording("first")).check(recording("second")).start()) {
            URI base = gateway.uri();
            String key = "Bearer sk-alice";
            assertEquals(200, TestHttp.post(base.resolve("/v1/chat/completions"), CHAT, "Authorization", key).statusCode());
            assertEquals(200, TestHttp.post(base.resolve("/v1/embeddings"), "{\"input\":\"hi\"}", "Authorization", key).statusCode());
            assertEquals(List.of("first CHAT alice@127.0.0.1", "second CHAT alice@127.0.0.1",
                    "first EMBEDDING alice@127.0.0.1", "second EMBEDDING alice@127.0.0.1"), checked);

            checked.clear();
            assertEquals(401, TestHttp.post(base.resolve("/v1/chat/completions"), CHAT).statusCode());
            assertEquals(400, TestHttp.post(base.resolve("/v1/chat/completions"), "{\"messages\":3}", "Authorization", key).statusCode());
            assertEquals(List.of(), checked, "a request the gateway refuses itself is not checked");
        }
    }

    @Test
    void theFirstCheckToRefuseAnswersAndABuggyOneIsA500() {
        RequestCheck refuse = (request, client) -> {
            throw new ApiError(403, "permission_error", "not_today", null, "Not today.");
        };
        RequestCheck buggy = (request, client) -> {
            throw new IllegalStateException("a bug");
        };
        try (var gateway = Gateway.builder().port(0).log(log::add).check(refuse).check(buggy).start()) {
            var refused = TestHttp.post(gateway.uri().resolve("/v1/responses"), "{\"input\":\"hi\"}");
            assertEquals(403, refused.statusCode());
            assertEquals("not_today", errorCode(refused));
        }
        try (var gateway = Gateway.builder().port(0).log(log::add).check(buggy).start()) {
            var failed = TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), CHAT);
            assertEquals(500, failed.statusCode());
            assertEquals("internal_error", errorCode(failed));
        }
        Fleet.await("the bug's log line", () -> log.stream().anyMatch(line -> line.contains("\"event\":\"unexpected_exception\"")
                && line.contains("IllegalStateException: a bug")));
    }

    @Test
    void aFailoverAsksThePolicyAgainWithoutTheBackendTried() {
        var asked = Collections.synchronizedList(new ArrayList<List<String>>());
        RoutingPolicy firstListed = (candidates, request, session) -> {
            asked.add(candidates.stream().map(RoutingPolicy.Candidate::name).toList());
            return candidates.getFirst();
        };
        try (var gateway = Gateway.builder().port(0).log(log::add)
                .mock("broken", MockOptions.defaults().withRateLimitRate(1)) // a 429: worth trying elsewhere
                .mock("fine", MockOptions.defaults().withReply("fine"))
                .routing(firstListed).start()) {
            var reply = TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), CHAT);
            assertEquals(200, reply.statusCode(), reply.body());
            assertEquals("fine", reply.headers().firstValue("X-Gateway-Backend").orElseThrow());
            assertEquals(List.of(List.of("broken", "fine"), List.of("fine")), asked);
            assertTrue(gateway.mode().startsWith("routing (custom) over broken"), gateway.mode());
            var decisions = TestHttp.json(TestHttp.get(gateway.uri().resolve("/metrics"))).object("route_decisions").orElseThrow();
            assertEquals(1, decisions.longValue("custom/chosen").orElseThrow());
            assertEquals(1, decisions.longValue("custom/failover").orElseThrow());
        }
    }
}
