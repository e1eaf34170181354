package gateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.BackendSettings;
import gateway.config.RoutingSettings.Policy;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BalancerTest {
    static Backend backend(String name, int slots, int weight) {
        var settings = new BackendSettings(name, URI.create("http://127.0.0.1:1"), "", slots, List.of(), true, weight,
                BackendSettings.Role.PRIMARY, BackendSettings.Kind.OPENAI, "");
        return new Backend(settings, null, new Health(System::nanoTime));
    }

    static void load(Backend backend, int inFlight) {
        for (int i = 0; i < inFlight; i++) {
            backend.take();
        }
    }

    private final Sessions sessions = new Sessions(Duration.ofMinutes(10), System::nanoTime);
    private final PrefixIndex prefixes = new PrefixIndex();

    private Balancer balancer(Policy policy) {
        return new Balancer(policy, prefixes, sessions, new Random(42));
    }

    @Test
    void leastLoadedTakesTheLessBusyOfTwoAndNeverFavoursTheFirstListed() {
        var a = backend("a", 4, 1);
        var b = backend("b", 4, 1);
        var c = backend("c", 4, 1);
        load(a, 3);
        Balancer balancer = balancer(Policy.LEAST_LOADED);
        Map<String, Integer> chosen = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            chosen.merge(balancer.choose(List.of(a, b, c), List.of(a, b, c), new Balancer.Ask(null, null)).backend().name(), 1, Integer::sum);
        }
        assertTrue(chosen.getOrDefault("a", 0) == 0, "a is the busier of any pair it is drawn in: " + chosen);
        assertTrue(Math.abs(chosen.get("b") - chosen.get("c")) < 300, "ties are not broken by order: " + chosen);
    }

    @Test
    void loadIsRequestsPerSlot() {
        var big = backend("big", 8, 1);
        var small = backend("small", 2, 1);
        load(big, 4);   // half full
        load(small, 2); // full: 1.0 per slot, against 0.5
        assertEquals("big", balancer(Policy.LEAST_LOADED).leastLoaded(List.of(big, small)).name());
    }

    @Test
    void weightsShareRoundRobinAndDrawsAlike() {
        var heavy = backend("heavy", 0, 3);
        var light = backend("light", 0, 1);
        Balancer balancer = balancer(Policy.ROUND_ROBIN);
        var order = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            order.append(balancer.choose(List.of(heavy, light), List.of(heavy, light), new Balancer.Ask(null, null)).backend().name().charAt(0));
        }
        assertEquals(6, order.chars().filter(ch -> ch == 'h').count(), "three turns in four: " + order);
        assertFalse(order.toString().contains("hhhh"), "smoothly interleaved: " + order);
    }

    @Test
    void prefixAffinityHoldsAConversationAndSpillsOverTheLoadBound() {
        var a = backend("a", 8, 1);
        var b = backend("b", 8, 1);
        var c = backend("c", 8, 1);
        List<Backend> all = List.of(a, b, c);
        Balancer balancer = balancer(Policy.PREFIX);
        long[] conversation = {11, 12, 13, 14};
        var ask = new Balancer.Ask(null, conversation);
        assertEquals("miss", balancer.choose(all, all, ask).reason(), "nobody has it yet");
        prefixes.record(b, new long[] {11, 12, 13});
        var choice = balancer.choose(all, all, ask);
        assertEquals("b", choice.backend().name());
        assertEquals("affinity", choice.reason());

        load(b, 2); // mean 2/3 per backend: 1.25 x 0.67 + 1 = 1.83 < 2
        choice = balancer.choose(all, all, ask);
        assertEquals("spill", choice.reason(), "over the bound");
        assertTrue(choice.backend() != b);

        load(a, 2);
        load(c, 2); // all at 2: b is within the bound again
        assertEquals("affinity", balancer.choose(all, all, ask).reason());
        assertEquals("spill", balancer.choose(List.of(a, c), all, ask).reason(), "b full: another with room takes it");
    }

    @Test
    void aQueuedRequestFitsBestWhereItsOwnBackendHasRoom() {
        var a = backend("a", 1, 1);
        var b = backend("b", 1, 1);
        List<Backend> all = List.of(a, b);
        long[] conversation = {21, 22, 23};
        prefixes.record(b, conversation);
        var ask = new Balancer.Ask(null, conversation);
        assertTrue(balancer(Policy.PREFIX).fitsBest(List.of(b), all, ask), "b holds it and has room");
        assertFalse(balancer(Policy.PREFIX).fitsBest(List.of(a), all, ask), "only a has room: it would go, but not best");
        assertFalse(balancer(Policy.LEAST_LOADED).fitsBest(List.of(b), all, ask), "other policies keep arrival order");
        sessions.bind("s", a);
        assertTrue(balancer(Policy.LEAST_LOADED).fitsBest(List.of(a), all, new Balancer.Ask("s", null)), "a session's backend");
    }

    @Test
    void aSessionStaysWithItsBackendWithinTheBound() {
        var a = backend("a", 4, 1);
        var b = backend("b", 4, 1);
        Balancer balancer = balancer(Policy.LEAST_LOADED);
        sessions.bind("s1", b);
        load(b, 1);
        var choice = balancer.choose(List.of(a, b), List.of(a, b), new Balancer.Ask("s1", null));
        assertEquals("b", choice.backend().name());
        assertEquals("session", choice.reason());
        load(b, 2); // 3 in flight against a mean of 1.5: over 1.25 x 1.5 + 1
        assertEquals("a", balancer.choose(List.of(a, b), List.of(a, b), new Balancer.Ask("s1", null)).backend().name());
        sessions.unbind("s1", b);
        assertEquals(null, sessions.backendOf("s1"));
    }
}
