package gateway.route;

import gateway.config.BackendSettings;
import gateway.config.RoutingSettings;
import gateway.config.UpstreamSettings;
import gateway.http.ApiError;
import gateway.json.JsonObject;
import gateway.observe.Log;
import gateway.observe.RoutingMetrics;
import gateway.openai.ModelRequest;
import gateway.telemetry.BackendAttempt;
import gateway.telemetry.TraceContext;
import gateway.worker.BackendClient;
import gateway.worker.OpenAiBackend;
import gateway.worker.PromptBackend;
import gateway.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The worker in front of the backends: for each request it finds the pool of its model
 * ({@link Catalog}), gets a slot on one of them ({@link Scheduler}, {@link Balancer}), and
 * calls it. A failed attempt is tried again on another backend of the pool, up to
 * {@code FAILOVER_ATTEMPTS} in all, but only while nothing has reached the client and
 * time is left: on a refused or broken connection, a timeout, a 502/503/504 or a 429;
 * never on another 4xx. Each outcome feeds the backend's {@link Health}.
 */
public final class RoutingWorker implements Worker, AutoCloseable {
    /** How long readiness waits for the first health checks, so that it never reports on nothing. */
    private static final Duration FIRST_ROUND_WAIT = Duration.ofMillis(2_500);

    private final List<Backend> backends;
    private final Catalog catalog;
    private final Scheduler scheduler;
    private final Sessions sessions;
    private final Prober prober;
    private final BackendClient client;
    private final Outcomes outcomes;
    private final RoutingSettings routing;
    /** True when an embedder's {@link RoutingPolicy} chooses, not {@code ROUTING}'s. */
    private final boolean custom;
    private final Duration timeout;
    private final RoutingMetrics metrics;

    public RoutingWorker(UpstreamSettings upstream, RoutingSettings routing, RoutingMetrics metrics, Log log) {
        this(upstream, routing, null, metrics, log);
    }

    /** @param policy the embedder's routing policy, in place of {@code ROUTING}'s; null for {@code ROUTING}'s */
    public RoutingWorker(UpstreamSettings upstream, RoutingSettings routing, RoutingPolicy policy, RoutingMetrics metrics, Log log) {
        this.client = new BackendClient(upstream.connectTimeout());
        this.backends = upstream.backends().stream()
                .map(b -> new Backend(b, workerFor(b, upstream), new Health(System::nanoTime)))
                .toList();
        this.catalog = new Catalog(backends, routing.aliases());
        this.sessions = new Sessions(routing.sessionTtl(), System::nanoTime);
        this.routing = routing;
        this.custom = policy != null;
        var balancer = new Balancer(routing.policy(), custom ? new CustomPolicy(policy, log) : null, new PrefixIndex(), sessions, new Random());
        this.scheduler = new Scheduler(balancer, policyName(), routing.queueMax(), routing.queueTimeout(), metrics);
        this.outcomes = new Outcomes(backends, sessions, metrics, log);
        this.timeout = upstream.timeout();
        this.metrics = metrics;
        metrics.observe(this::gauges, scheduler::queueDepth);
        // The one backend of BACKEND_URL takes any model and leaves no choice to make: it is not
        // checked in the background, and /readyz asks it directly, as before there were several.
        boolean single = backends.size() == 1 && backends.getFirst().name().equals(BackendSettings.SINGLE);
        this.prober = single ? null : new Prober(backends, routing.healthInterval(), scheduler::wake, log);
    }

    private Worker workerFor(BackendSettings backend, UpstreamSettings upstream) {
        return switch (backend.kind()) {
            case OPENAI -> new OpenAiBackend(backend, upstream.timeout(), upstream.defaultModel(), upstream.modelsCacheTime(), client);
            case PROMPT -> new PromptBackend(backend, upstream.timeout(), upstream.defaultModel(), client);
        };
    }

    @Override
    public JsonObject complete(ModelRequest request, Call call) throws IOException {
        return withFailover(request, call, () -> false, (backend, routed, attemptCall) -> backend.worker().complete(routed, attemptCall));
    }

    @Override
    public void stream(ModelRequest request, ChunkSink sink, Call call) throws IOException {
        var watched = new StreamWatch(sink);
        withFailover(request, call, watched::started, (backend, routed, attemptCall) -> {
            backend.worker().stream(routed, watched, attemptCall);
            return null;
        });
    }

    /** One attempt on one backend. */
    @FunctionalInterface
    private interface Attempt<T> {
        T on(Backend backend, ModelRequest request, Call call) throws IOException;
    }

    /** A request with its model's own name, the backends that serve it, and what the balancer may know of it. */
    private record Target(ModelRequest request, List<Backend> pool, Balancer.Ask ask) {
    }

    private Target target(ModelRequest request, Call call) {
        if (prober != null) {
            prober.awaitFirstRound(FIRST_ROUND_WAIT); // the models each backend serves are known from it
        }
        String model = catalog.resolve(request.model());
        ModelRequest routed = model == null || model.equals(request.model()) ? request : request.withModel(model);
        long[] blocks = !custom && routing.policy() == RoutingSettings.Policy.PREFIX ? PrefixIndex.hashes(routed) : null;
        return new Target(routed, ableToServe(catalog.pool(model), routed), new Balancer.Ask(call.session(), blocks, routed));
    }

    /**
     * The backends of the pool that can answer the request at all (a prompt API has no
     * embeddings), or the whole pool when none can, so that one of them says why.
     */
    private static List<Backend> ableToServe(List<Backend> pool, ModelRequest request) {
        for (Backend backend : pool) {
            if (!backend.worker().serves(request)) { // rare: most pools serve every request, and pass untouched
                List<Backend> able = pool.stream().filter(b -> b.worker().serves(request)).toList();
                return able.isEmpty() ? pool : able;
            }
        }
        return pool;
    }

    private <T> T withFailover(ModelRequest request, Call call, BooleanSupplier started, Attempt<T> attempt)
            throws IOException {
        Target target = target(request, call);
        Set<Backend> tried = new HashSet<>();
        long deadline = 0;
        ApiError last = null;
        for (int n = 1; ; n++) {
            Scheduler.Lease lease;
            try {
                lease = scheduler.acquire(new Scheduler.Need(target.pool(), target.ask(), Set.copyOf(tried), n > 1), call);
            } catch (ApiError nowhere) {
                throw last != null ? finalError(last, n - 1) : nowhere; // a retry that found no other backend: the real failure
            }
            Backend backend = lease.backend();
            tried.add(backend);
            if (n == 1) {
                deadline = System.nanoTime() + timeout.toNanos(); // from the first attempt: queueing does not count
            }
            call.answeredBy(backend.name(), n);
            TraceContext span = call.trace();
            var attemptCall = new AttemptCall(call, deadline, span == null ? null : span.child());
            long start = System.nanoTime();
            try {
                T result = attempt.on(backend, target.request(), attemptCall);
                outcomes.succeeded(backend, System.nanoTime() - start);
                attemptCall.ended(backend, start, null);
                return result;
            } catch (ApiError error) {
                outcomes.failed(backend, error, System.nanoTime() - start, call.session());
                attemptCall.ended(backend, start, error.code());
                boolean again = n < routing.attempts() && !started.getAsBoolean() && Outcomes.retryable(error)
                        && deadline - System.nanoTime() > 0;
                if (!again) {
                    throw finalError(error, n);
                }
                last = error;
            } catch (IOException clientGone) {
                outcomes.cancelled(backend, System.nanoTime() - start);
                attemptCall.ended(backend, start, "client_cancelled");
                throw clientGone;
            } finally {
                scheduler.release(lease);
            }
        }
    }

    /** The error after the gateway retried: the SDKs, which would retry it again, are told not to. */
    private static ApiError finalError(ApiError error, int attempts) {
        return attempts > 1 ? error.withHeader("x-should-retry", "false") : error;
    }

    @Override
    public JsonObject models() {
        return catalog.modelList();
    }

    /**
     * Ready when at least one backend takes requests, once every backend has been checked. The
     * one backend of BACKEND_URL is asked now, as there are no background checks to ask.
     */
    @Override
    public Optional<String> notReadyReason() {
        if (prober == null) {
            Backend only = backends.getFirst();
            Optional<String> problem = only.worker().notReadyReason();
            only.health().probed(problem.isEmpty(), problem.orElse(null));
            return problem;
        }
        prober.awaitFirstRound(FIRST_ROUND_WAIT);
        if (backends.stream().anyMatch(b -> b.weight() > 0 && b.health().available())) {
            return Optional.empty();
        }
        return Optional.of("no backend takes requests: " + String.join("; ",
                backends.stream().map(b -> b.name() + " " + BackendStates.summary(b)).toList()));
    }

    @Override
    public String describe() {
        return "routing (" + policyName() + ") over "
                + String.join(", ", backends.stream().map(b -> b.name() + " " + b.settings().displayUrl()).toList());
    }

    /** How backends are chosen: {@code ROUTING}'s policy, or {@code custom}. */
    private String policyName() {
        return custom ? CustomPolicy.NAME : routing.policyName();
    }

    /** Every backend's state, for {@code /readyz} (brief) and {@code /admin/backends} (in full). */
    public JsonObject backendStates(boolean full) {
        return BackendStates.of(backends, full ? metrics : null, scheduler.queueDepth());
    }

    private List<RoutingMetrics.Gauge> gauges() {
        return backends.stream().map(b -> {
            Health.State s = b.health().state();
            return new RoutingMetrics.Gauge(b.name(), b.inFlight(), b.settings().slots(),
                    s.probe() != Health.Probe.UNHEALTHY, s.ejected(), s.coolingDown());
        }).toList();
    }

    @Override
    public void close() {
        if (prober != null) {
            prober.close();
        }
        client.close();
    }

    /** One attempt of a call: the time by which its answer must start, and its own span in the request's trace. */
    private record AttemptCall(Call call, long deadline, TraceContext trace) implements Call {
        /** Reports the attempt's span to the request: {@code errorType} is null when it succeeded. */
        void ended(Backend backend, long startNanos, String errorType) {
            if (trace != null) {
                String provider = backend.settings().kind() == BackendSettings.Kind.PROMPT ? "prompt" : "openai";
                call.attempted(new BackendAttempt(trace, backend.name(), provider, backend.settings().url(), startNanos,
                        System.nanoTime(), errorType));
            }
        }

        @Override
        public String caller() {
            return call.caller();
        }

        @Override
        public String session() {
            return call.session();
        }

        @Override
        public void waited(long nanos) {
            call.waited(nanos);
        }

        @Override
        public Watch watchDeparture(Runnable onDeparture) {
            return call.watchDeparture(onDeparture);
        }
    }
}
