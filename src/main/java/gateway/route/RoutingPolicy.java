package gateway.route;

import gateway.openai.ModelRequest;
import java.util.List;

/**
 * Chooses which backend of a model's pool takes a request: the seam for a routing policy of
 * one's own, given to {@code Gateway.builder().routing(policy)} in place of {@code ROUTING}'s
 * built-in ones (least-loaded, prefix, round robin).
 *
 * <pre>{@code
 * // Always the backend with the fewest requests in flight.
 * RoutingPolicy fewest = (candidates, request, session) ->
 *         candidates.stream().min(Comparator.comparingInt(Candidate::inFlight)).orElseThrow();
 * }</pre>
 *
 * <p>The gateway asks the policy only when there is a choice to make among the primary
 * backends of the request's model that take requests (healthy, not ejected, weight above 0)
 * and have a free slot: the candidates, never empty. Everything around the choice stays the
 * gateway's: the pool by model and alias, the fair queue while every slot is busy, a
 * session already bound to a backend with room (its {@code X-Session-ID}, or the request's
 * {@code user}, for {@code SESSION_TTL_SECONDS}), failover to another backend, fallback
 * backends, and the slot counts. A failover asks the policy again, without the backends
 * already tried.
 *
 * <p>Threading: the gateway calls {@link #choose} under its scheduler's lock, so calls never
 * overlap and a policy may keep plain state (a counter) without synchronising; but every
 * request waits for that lock, so a choice must be quick and must never block. A policy that
 * throws, or returns something that is not one of the candidates, is logged as
 * {@code routing_policy_failed} and the least loaded candidate is taken instead.
 */
@FunctionalInterface
public interface RoutingPolicy {

    /**
     * Chooses one of the candidates.
     *
     * @param candidates the backends that may take the request now, in the order of
     *                   {@code BACKENDS}; never empty, not to be changed
     * @param request    the checked request, its model already resolved from any alias
     * @param session    the client's session ({@code X-Session-ID}, else the request's
     *                   {@code user}), or null
     * @return one of {@code candidates}, the very object
     */
    Candidate choose(List<? extends Candidate> candidates, ModelRequest request, String session);

    /**
     * One backend as a policy sees it, at the moment of the choice. The figures are live:
     * they do not change during a call to {@link #choose}, and the next call sees the next.
     */
    interface Candidate {
        /** {@return its name: {@code default} for {@code BACKEND_URL}, else its name in {@code BACKENDS}} */
        String name();

        /** {@return the requests it is serving now, through this gateway} */
        int inFlight();

        /** {@return the requests it may serve at once ({@code BACKEND_<NAME>_SLOTS}); 0: no limit} */
        int slots();

        /** {@return its share of the traffic relative to the others ({@code BACKEND_<NAME>_WEIGHT}, 1 by default)} */
        int weight();

        /** {@return how busy it is: requests in flight per slot (a backend without a limit counts one slot)} */
        double load();
    }
}
