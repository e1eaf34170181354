package gateway.route;

import gateway.http.ApiError;
import gateway.observe.Log;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks every backend each {@code HEALTH_INTERVAL_SECONDS}: its health endpoint (through
 * its worker's {@link gateway.worker.Worker#notReadyReason}), and, for a backend whose
 * models are discovered, its model list. The checks of one round run at once, each on a
 * virtual thread, so a slow backend delays no other. The first round starts with the
 * gateway; {@link #awaitFirstRound} lets readiness wait for it.
 */
final class Prober implements AutoCloseable {
    /** Each check has its own short timeout (2 s); a round waits this long for all at most. */
    private static final Duration ROUND_LIMIT = Duration.ofSeconds(5);

    private final List<Backend> backends;
    private final Runnable onRound;
    private final Log log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "backend-prober");
        thread.setDaemon(true);
        return thread;
    });
    private final CompletableFuture<Void> firstRound = new CompletableFuture<>();

    /** @param onRound run after every round: a backend back, or a cooldown over, may let the queue move */
    Prober(List<Backend> backends, Duration interval, Runnable onRound, Log log) {
        this.backends = backends;
        this.onRound = onRound;
        this.log = log;
        timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits, up to {@code limit}, until every backend has been checked once. */
    void awaitFirstRound(Duration limit) {
        try {
            firstRound.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the states known by now will do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void round() {
        var checks = backends.stream().map(b -> CompletableFuture.runAsync(() -> check(b), Thread::startVirtualThread)).toList();
        try {
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(ROUND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // a check that hangs past its timeout is left to finish on its own
        }
        firstRound.complete(null);
        onRound.run();
    }

    /** Checks one backend, now. */
    void check(Backend backend) {
        Optional<String> problem = backend.worker().notReadyReason();
        if (backend.health().probed(problem.isEmpty(), problem.orElse(null))) {
            if (problem.isEmpty()) {
                log.info("backend_healthy", "backend", backend.name());
            } else {
                log.warn("backend_unhealthy", "backend", backend.name(), "reason", problem.get());
            }
        }
        if (backend.discovers() && problem.isEmpty()) {
            try {
                Catalog.refresh(backend);
            } catch (ApiError e) {
                log.warn("backend_models_unknown", "backend", backend.name(), "reason", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
