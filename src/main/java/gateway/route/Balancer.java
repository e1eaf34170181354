package gateway.route;

import gateway.config.RoutingSettings.Policy;
import gateway.openai.ModelRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Chooses, among the backends of a pool that have a free slot, the one a request goes to:
 * its session's backend first, then the {@code ROUTING} policy, or the embedder's own
 * ({@link RoutingPolicy}, through {@link CustomPolicy}). Every affinity (session or
 * prefix) is bounded: a backend busier than {@link #LOAD_BOUND} times the pool's mean (plus
 * one request) is passed over for the least loaded, as KubeAI's bounded-load hashing does,
 * so that a hot conversation or prefix cannot pile requests on one GPU while others idle.
 * Called under the {@link Scheduler}'s lock.
 */
final class Balancer {
    /** How much busier than the mean an affinity may make a backend. */
    static final double LOAD_BOUND = 1.25;

    /** What was chosen, and why: the reason is counted in {@code gateway_route_decisions_total}. */
    record Choice(Backend backend, String reason) {
    }

    /**
     * What the balancer may know of a request: its session, its prompt's block hashes (prefix
     * policy only), and the request itself (for a custom policy; null in tests of the others).
     */
    record Ask(String session, long[] blocks, ModelRequest request) {
        Ask(String session, long[] blocks) {
            this(session, blocks, null);
        }
    }

    private final Policy policy;
    /** The embedder's policy, asked in place of {@link #policy}; null for none. */
    private final CustomPolicy custom;
    private final PrefixIndex prefixes;
    private final Sessions sessions;
    private final RandomGenerator random;
    /** Smooth weighted round robin's running scores (nginx's algorithm). */
    private final Map<Backend, Integer> turns = new HashMap<>();

    Balancer(Policy policy, PrefixIndex prefixes, Sessions sessions, RandomGenerator random) {
        this(policy, null, prefixes, sessions, random);
    }

    Balancer(Policy policy, CustomPolicy custom, PrefixIndex prefixes, Sessions sessions, RandomGenerator random) {
        this.policy = policy;
        this.custom = custom;
        this.prefixes = prefixes;
        this.sessions = sessions;
        this.random = random;
    }

    /**
     * @param roomy the backends that may take the request now (non-empty)
     * @param pool  every backend of the pool that takes requests, busy ones included: the mean load is theirs
     */
    Choice choose(List<Backend> roomy, List<Backend> pool, Ask ask) {
        Choice session = bySession(roomy, pool, ask);
        if (session != null) {
            return session;
        } else if (custom != null) {
            Backend chosen = custom.choose(roomy, ask);
            return chosen != null ? new Choice(chosen, "chosen") : new Choice(lightest(roomy), "policy_failed");
        }
        return switch (policy) {
            case LEAST_LOADED -> new Choice(leastLoaded(roomy), "least_loaded");
            case ROUND_ROBIN -> new Choice(roundRobin(roomy), "round_robin");
            case PREFIX -> byPrefix(roomy, pool, ask.blocks());
        };
    }

    /**
     * True when the request's own backend (its session's, or under the prefix policy the one
     * holding the longest part of its prompt) has room now, within the bound: the queue then
     * lets it go ahead of others that would be served anywhere.
     */
    boolean fitsBest(List<Backend> roomy, List<Backend> pool, Ask ask) {
        return bySession(roomy, pool, ask) != null
                || custom == null && policy == Policy.PREFIX && byPrefix(roomy, pool, ask.blocks()).reason().equals("affinity");
    }

    private Choice bySession(List<Backend> roomy, List<Backend> pool, Ask ask) {
        Backend bound = sessions.backendOf(ask.session());
        return bound != null && roomy.contains(bound) && withinBound(bound, pool) ? new Choice(bound, "session") : null;
    }

    /** Remembers the choice: the session's binding, and the blocks the backend now holds. */
    void chosen(Backend backend, Ask ask) {
        sessions.bind(ask.session(), backend);
        if (ask.blocks() != null) {
            prefixes.record(backend, ask.blocks());
        }
    }

    /**
     * The backend holding the longest prefix of the prompt, the least loaded among equals.
     * No whole block matched anywhere: a miss, and the least loaded takes it (never "the
     * emptiest cache", which SGLang's own test shows piling work on a busy server). The
     * best is full or over the bound: a spill, to the least loaded.
     */
    private Choice byPrefix(List<Backend> roomy, List<Backend> pool, long[] blocks) {
        int longest = 0;
        Backend best = null;
        int ties = 0;
        for (Backend backend : pool) {
            int matched = prefixes.matched(backend, blocks);
            if (matched == 0 || matched < longest) {
                continue;
            }
            if (matched > longest || backend.load() < best.load()) {
                longest = matched;
                best = backend;
                ties = 1;
            } else if (backend.load() == best.load() && random.nextInt(++ties) == 0) {
                best = backend; // among equals, each as likely: the first listed is not favoured
            }
        }
        if (longest == 0) {
            return new Choice(lightest(roomy), "miss");
        } else if (roomy.contains(best) && withinBound(best, pool)) {
            return new Choice(best, "affinity");
        }
        return new Choice(lightest(roomy), "spill");
    }

    /**
     * Power of two choices: two backends drawn at random by weight, the one with fewer
     * requests per slot. Nothing favours the first one listed, and several gateways
     * deciding at once do not all pick the same backend.
     */
    Backend leastLoaded(List<Backend> roomy) {
        if (roomy.size() == 1) {
            return roomy.getFirst();
        }
        Backend first = drawByWeight(roomy, null);
        Backend second = drawByWeight(roomy, first);
        return second.load() < first.load() ? second : first;
    }

    /**
     * The least loaded of all (equals drawn at random): where a miss or a spill goes, to
     * relieve load rather than only avoid the worst, as a backend left idle by affinity
     * elsewhere should be the first to get what spills.
     */
    Backend lightest(List<Backend> roomy) {
        Backend lightest = null;
        int ties = 0;
        for (Backend b : roomy) {
            if (lightest == null || b.load() < lightest.load()) {
                lightest = b;
                ties = 1;
            } else if (b.load() == lightest.load() && random.nextInt(++ties) == 0) {
                lightest = b;
            }
        }
        return lightest;
    }

    /** True unless {@code backend} is busier than LOAD_BOUND times the pool's mean, plus one request. */
    static boolean withinBound(Backend backend, List<Backend> pool) {
        long inFlight = 0;
        long capacity = 0;
        for (Backend b : pool) {
            inFlight += b.inFlight();
            capacity += b.capacity();
        }
        double meanPerSlot = capacity == 0 ? 0 : inFlight / (double) capacity;
        return backend.inFlight() <= LOAD_BOUND * meanPerSlot * backend.capacity() + 1;
    }

    private Backend drawByWeight(List<Backend> backends, Backend except) {
        long total = 0;
        for (Backend b : backends) {
            total += b == except ? 0 : b.weight();
        }
        long draw = random.nextLong(total);
        for (Backend b : backends) {
            if (b != except && (draw -= b.weight()) < 0) {
                return b;
            }
        }
        throw new IllegalStateException("weights changed while drawing");
    }

    private Backend roundRobin(List<Backend> roomy) {
        int total = 0;
        Backend next = null;
        for (Backend b : roomy) {
            int score = turns.merge(b, b.weight(), Integer::sum);
            total += b.weight();
            if (next == null || score > turns.get(next)) {
                next = b;
            }
        }
        turns.merge(next, -total, Integer::sum);
        return next;
    }
}
