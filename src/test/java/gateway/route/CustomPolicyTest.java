package gateway.route;

import static gateway.route.BalancerTest.backend;
import static gateway.route.BalancerTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.RoutingSettings.Policy;
import gateway.observe.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A policy of the embedder's, as the balancer asks it: what it sees, what it may return, what comes before it. */
class CustomPolicyTest {
    private final List<String> log = new ArrayList<>();
    private final Sessions sessions = new Sessions(Duration.ofMinutes(10), System::nanoTime);
    private final PrefixIndex prefixes = new PrefixIndex();

    private Balancer balancer(RoutingPolicy policy) {
        return new Balancer(Policy.PREFIX, new CustomPolicy(policy, new Log(log::add)), prefixes, sessions, new Random(7));
    }

    @Test
    void thePolicySeesEachCandidatesFiguresAndItsChoiceIsTaken() {
        var a = backend("a", 4, 1);
        var b = backend("b", 0, 3);
        load(a, 2);
        load(b, 5);
        var seen = new ArrayList<String>();
        RoutingPolicy policy = (candidates, request, session) -> {
            candidates.forEach(c -> seen.add(c.name() + " " + c.inFlight() + "/" + c.slots() + " w" + c.weight() + " load " + c.load()));
            return candidates.getLast();
        };
        var choice = balancer(policy).choose(List.of(a, b), List.of(a, b), new Balancer.Ask("s1", null));
        assertEquals(List.of("a 2/4 w1 load 0.5", "b 5/0 w3 load 5.0"), seen, "no slot limit counts as one slot");
        assertEquals(b, choice.backend());
        assertEquals("chosen", choice.reason());
    }

    @Test
    void aPolicyThatFailsIsLoggedAndTheLightestTakesTheRequest() {
        var a = backend("a", 4, 1);
        var b = backend("b", 4, 1);
        load(a, 3);
        var stranger = backend("c", 4, 1);
        for (RoutingPolicy broken : List.<RoutingPolicy>of(
                (candidates, request, session) -> stranger,
                (candidates, request, session) -> null,
                (candidates, request, session) -> { throw new IllegalStateException("oops"); })) {
            var choice = balancer(broken).choose(List.of(a, b), List.of(a, b), new Balancer.Ask(null, null));
            assertEquals(b, choice.backend());
            assertEquals("policy_failed", choice.reason());
        }
        assertEquals(3, log.size());
        assertTrue(log.get(0).contains("\"event\":\"routing_policy_failed\""), log.get(0));
        assertTrue(log.get(0).contains("\"problem\":\"it returned c, which is not one of the candidates\""), log.get(0));
        assertTrue(log.get(1).contains("\"problem\":\"it returned null\""), log.get(1));
        assertTrue(log.get(2).contains("\"problem\":\"it threw java.lang.IllegalStateException: oops\""), log.get(2));
    }

    @Test
    void theCandidatesCannotBeChanged() {
        var a = backend("a", 4, 1);
        RoutingPolicy remover = (candidates, request, session) -> {
            candidates.clear();
            return null;
        };
        var roomy = new ArrayList<>(List.of(a));
        assertEquals("policy_failed", balancer(remover).choose(roomy, roomy, new Balancer.Ask(null, null)).reason());
        assertEquals(List.of(a), roomy);
    }

    @Test
    void aBoundSessionGoesToItsBackendWithoutAskingThePolicy() {
        var a = backend("a", 4, 1);
        var b = backend("b", 4, 1);
        sessions.bind("s1", b);
        var asked = new ArrayList<String>();
        Balancer balancer = balancer((candidates, request, session) -> {
            asked.add(session);
            return candidates.getFirst();
        });
        assertEquals("session", balancer.choose(List.of(a, b), List.of(a, b), new Balancer.Ask("s1", null)).reason());
        assertEquals(List.of(), asked);
        assertEquals(a, balancer.choose(List.of(a, b), List.of(a, b), new Balancer.Ask("s2", null)).backend());
        assertEquals(List.of("s2"), asked);
        long[] conversation = {1, 2, 3};
        prefixes.record(a, conversation);
        assertFalse(balancer.fitsBest(List.of(a), List.of(a, b), new Balancer.Ask("s2", conversation)),
                "nor is ROUTING's prefix policy, in the queue");
    }
}
