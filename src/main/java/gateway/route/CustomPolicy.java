package gateway.route;

import gateway.observe.Log;
import java.util.Collections;
import java.util.List;

/**
 * A {@link RoutingPolicy} given by the embedder, as the {@link Balancer} asks it. Its mistakes
 * are its own: one that throws, or returns something other than a candidate, is logged and
 * the choice falls back to the least loaded candidate, so that a broken policy never breaks
 * the request that asked, nor another request freeing a slot for a waiter (the queue's choices
 * are made on that request's thread).
 */
final class CustomPolicy {
    /** The {@code policy} label of its decisions in the metrics, and its name in the log. */
    static final String NAME = "custom";

    private final RoutingPolicy policy;
    private final Log log;

    CustomPolicy(RoutingPolicy policy, Log log) {
        this.policy = policy;
        this.log = log;
    }

    /**
     * The policy's choice among {@code roomy}, or null when it failed (logged).
     * Under the scheduler's lock.
     */
    Backend choose(List<Backend> roomy, Balancer.Ask ask) {
        RoutingPolicy.Candidate chosen;
        try {
            chosen = policy.choose(Collections.unmodifiableList(roomy), ask.request(), ask.session());
        } catch (RuntimeException e) {
            failed("it threw " + e);
            return null;
        }
        for (Backend backend : roomy) {
            if (backend == chosen) {
                return backend;
            }
        }
        failed(chosen == null ? "it returned null" : "it returned " + chosen.name() + ", which is not one of the candidates");
        return null;
    }

    private void failed(String why) {
        log.warn("routing_policy_failed", "policy", policy.getClass().getName(), "problem", why,
                "fallback", "the least loaded candidate");
    }
}
