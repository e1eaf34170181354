package examples;

import static examples.Http.chat;
import static examples.Http.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.Gateway;
import gateway.mock.MockOptions;
import gateway.openai.ModelRequest;
import gateway.route.RoutingPolicy;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lesson 5: a routing policy of one's own.
 *
 * <p>Teaches: with several backends serving a model, the gateway chooses one per request
 * ({@code ROUTING}: least-loaded, prefix or round-robin). A {@link RoutingPolicy} replaces
 * that choice and nothing else: the gateway still finds the model's pool, queues requests
 * fairly while every slot is busy, fails over before the first byte, and counts slots. The
 * policy sees each candidate's name, load, slots and weight, and the request itself. Its
 * calls never overlap (they run under the router's lock), so it may keep plain state, but it
 * must be quick. Which backend answered is in the {@code X-Gateway-Backend} header (and in
 * the log line).
 *
 * <p>Exercise: write a policy that gives each session ({@code X-Session-ID}) a backend by
 * hashing it over the candidates' names, and check that two sessions land on different
 * backends. What happens to a session when its backend has no free slot?
 */
class Lesson5RoutingTest {

    /** Long prompts go to the big GPU, short ones to the small one, while it has room. */
    static final class BySize implements RoutingPolicy {
        static final int LONG = 100; // characters

        @Override
        public Candidate choose(List<? extends Candidate> candidates, ModelRequest request, String session) {
            String wanted = request.promptCharacters() >= LONG ? "big" : "small";
            for (Candidate candidate : candidates) {
                if (candidate.name().equals(wanted)) {
                    return candidate;
                }
            }
            return candidates.getFirst(); // the one wanted has no free slot: any other
        }
    }

    /** Takes the candidates in turn: a plain counter is safe, as calls never overlap. */
    static final class InTurn implements RoutingPolicy {
        private int turn;

        @Override
        public Candidate choose(List<? extends Candidate> candidates, ModelRequest request, String session) {
            return candidates.get(turn++ % candidates.size());
        }
    }

    @Test
    void aPolicyChoosesByThePromptsLength() {
        try (var gateway = Gateway.builder().port(0)
                .mock("small", MockOptions.defaults().withReply("small answers"))
                .mock("big", MockOptions.defaults().withReply("big answers"))
                .routing(new BySize())
                .log(line -> { })
                .start()) {
            assertEquals("small", servedBy(post(gateway, "/v1/chat/completions", chat("hi"))));
            assertEquals("big", servedBy(post(gateway, "/v1/chat/completions", chat("tell me a story ".repeat(10)))));
        }
    }

    @Test
    void aPolicyMayKeepState() {
        try (var gateway = Gateway.builder().port(0)
                .mock("gpu1", MockOptions.defaults())
                .mock("gpu2", MockOptions.defaults())
                .routing(new InTurn())
                .log(line -> { })
                .start()) {
            var served = new ArrayList<String>();
            for (int i = 0; i < 4; i++) {
                served.add(servedBy(post(gateway, "/v1/chat/completions", chat("hi"))));
            }
            assertEquals(List.of("gpu1", "gpu2", "gpu1", "gpu2"), served, "in the order of BACKENDS");
        }
    }

    private static String servedBy(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return response.headers().firstValue("X-Gateway-Backend").orElseThrow();
    }
}
