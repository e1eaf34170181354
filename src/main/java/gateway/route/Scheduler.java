package gateway.route;

import gateway.http.ApiError;
import gateway.http.UpstreamErrors;
import gateway.observe.RoutingMetrics;
import gateway.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gives each request a slot on a backend: at once when a backend of its pool has room, else
 * after a wait in a fair, bounded queue, so that no GPU gets more requests than it has slots.
 * The backend is chosen when the request leaves the queue, not when it enters: by then
 * another may have room, or hold the conversation's cache.
 *
 * <p>Where a request may go, in order: the pool's primary backends that take requests
 * (healthy, not ejected, not cooling down, weight above 0); when none does, or the queue is
 * full, or the wait ran out, a fallback backend with room; when no backend takes requests at
 * all, one that is unhealthy or ejected but not resting (fail open: a probe may be wrong,
 * and a real attempt gives an honest error); else, all resting after a 429 or 503 with
 * {@code Retry-After}, that status with the time left (or 503 {@code no_backend_available}).
 *
 * <p>One lock guards every count and the queue: a decision takes microseconds, and a slot
 * freed is handed to the next waiter before anyone else can take it.
 */
final class Scheduler {
    /** A slot on a backend, held from the choice until the attempt ends: {@link #release} it. */
    record Lease(Backend backend, String reason) {
    }

    /**
     * What one attempt needs: the backends of its model, what the balancer may know of it,
     * the backends already tried, and whether it is a failover.
     */
    record Need(List<Backend> pool, Balancer.Ask ask, Set<Backend> tried, boolean failover) {
    }

    private static final class Waiter {
        final Need need;
        final String caller;
        final Condition wakeup;
        Lease lease;
        boolean clientLeft;

        Waiter(Need need, String caller, Condition wakeup) {
            this.need = need;
            this.caller = caller;
            this.wakeup = wakeup;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final FairQueue<Waiter> queue = new FairQueue<>();
    private final Balancer balancer;
    private final String policy;
    private final int queueMax;
    private final Duration queueTimeout;
    private final RoutingMetrics metrics;

    Scheduler(Balancer balancer, String policy, int queueMax, Duration queueTimeout, RoutingMetrics metrics) {
        this.balancer = balancer;
        this.policy = policy;
        this.queueMax = queueMax;
        this.queueTimeout = queueTimeout;
        this.metrics = metrics;
    }

    /**
     * A slot for one attempt, waiting in the queue while every primary backend of the pool is busy.
     *
     * @throws ApiError    429 {@code queue_full}, 503 {@code queue_timeout} or {@code no_backend_available}
     * @throws IOException when the client left while its request waited
     */
    Lease acquire(Need need, Worker.Call call) throws IOException {
        Waiter waiter;
        lock.lock();
        try {
            List<Backend> primaries = takingRequests(need, true);
            List<Backend> roomy = withRoom(primaries);
            if (!roomy.isEmpty()) {
                return lease(need, roomy, primaries);
            } else if (primaries.isEmpty()) {
                return elsewhere(need);
            } else if (queue.size() >= queueMax) {
                Lease fallback = fallback(need);
                if (fallback != null) {
                    return fallback;
                }
                metrics.queueRefusal("full");
                throw UpstreamErrors.queueFull(queueMax, 1);
            }
            waiter = new Waiter(need, call.caller(), lock.newCondition());
            queue.add(waiter.caller, waiter);
        } finally {
            lock.unlock();
        }
        long start = System.nanoTime();
        try {
            return await(waiter, call);
        } finally {
            long waited = System.nanoTime() - start;
            call.queued(waited);
            metrics.queueWait(waited);
        }
    }

    /** Gives the slot back, and to the next waiter that can use it. */
    void release(Lease lease) {
        lock.lock();
        try {
            lease.backend().give();
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Room may have appeared (a backend came back, or its cooldown ended): serve the queue. */
    void wake() {
        lock.lock();
        try {
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    int queueDepth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private Lease await(Waiter waiter, Worker.Call call) throws IOException {
        try (Worker.Watch departure = call.watchDeparture(() -> clientLeft(waiter))) {
            lock.lock();
            try {
                long left = queueTimeout.toNanos();
                while (waiter.lease == null && !waiter.clientLeft && left > 0) {
                    left = waiter.wakeup.awaitNanos(left);
                }
                if (waiter.lease != null) {
                    return waiter.lease;
                }
                queue.remove(waiter.caller, waiter);
                if (waiter.clientLeft) {
                    metrics.queueRefusal("client_left");
                    throw new IOException("the client left while its request waited for a slot");
                }
                Lease fallback = fallback(waiter.need); // every primary stayed full past the wait
                if (fallback != null) {
                    return fallback;
                }
                metrics.queueRefusal("timeout");
                throw UpstreamErrors.queueTimeout(queueTimeout.toSeconds(), 1);
            } catch (InterruptedException stopping) {
                queue.remove(waiter.caller, waiter);
                Thread.currentThread().interrupt();
                throw ApiError.shuttingDown();
            } finally {
                lock.unlock();
            }
        }
    }

    private void clientLeft(Waiter waiter) {
        lock.lock();
        try {
            if (waiter.lease == null) {
                waiter.clientLeft = true;
                waiter.wakeup.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Hands free slots to waiters, callers in turn, each to its own backend where it can. Under the lock. */
    private void dispatch() {
        if (queue.size() == 0) {
            return;
        }
        queue.serve(this::fit, waiter -> {
            waiter.lease = place(waiter);
            waiter.wakeup.signal();
        });
    }

    /** How well a waiter fits the free slots now (see {@link FairQueue}). Under the lock. */
    private FairQueue.Fit fit(Waiter waiter) {
        if (waiter.clientLeft) {
            return FairQueue.Fit.NONE;
        }
        List<Backend> primaries = takingRequests(waiter.need, true);
        List<Backend> roomy = withRoom(primaries);
        if (roomy.isEmpty()) {
            boolean fallbackRoom = primaries.isEmpty() && !withRoom(takingRequests(waiter.need, false)).isEmpty();
            return fallbackRoom ? FairQueue.Fit.SOME : FairQueue.Fit.NONE;
        }
        return balancer.fitsBest(roomy, primaries, waiter.need.ask()) ? FairQueue.Fit.BEST : FairQueue.Fit.SOME;
    }

    /** The slot for a waiter that fits (its primaries', else a fallback's). Under the lock. */
    private Lease place(Waiter waiter) {
        List<Backend> primaries = takingRequests(waiter.need, true);
        List<Backend> roomy = withRoom(primaries);
        return !roomy.isEmpty() ? lease(waiter.need, roomy, primaries) : fallback(waiter.need);
    }

    /** No primary takes requests: a fallback, else fail open, else 503. Under the lock. */
    private Lease elsewhere(Need need) {
        Lease fallback = fallback(need);
        if (fallback != null) {
            return fallback;
        }
        List<Backend> resting = withRoom(need.pool().stream()
                .filter(b -> !need.tried().contains(b) && b.weight() > 0 && !b.health().state().coolingDown())
                .toList());
        if (!resting.isEmpty()) {
            return lightest(need, resting, "fail_open");
        }
        throw resting(need.pool());
    }

    /**
     * Every backend left is resting after a 429 or 503 that said when to come back, or is
     * drained, or was tried: the client is told to come back when the first rest ends, with
     * the status of that backend's own answer (a 429 stays a 429).
     */
    private static ApiError resting(List<Backend> pool) {
        Health.State soonest = pool.stream().map(b -> b.health().state()).filter(Health.State::coolingDown)
                .min(Comparator.comparingLong(s -> s.coolingUntil() - System.nanoTime())).orElse(null);
        if (soonest == null) {
            return UpstreamErrors.noBackendAvailable("No backend can take this request now: every backend for this model is "
                    + "drained or was already tried.", 1);
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(soonest.coolingUntil() - System.nanoTime()));
        return soonest.coolStatus() == 429 ? UpstreamErrors.backendsRateLimited(millis) : UpstreamErrors.noBackendAvailable(
                "Every backend for this model asked the gateway to wait (503 with Retry-After); retry in "
                        + (millis + 999) / 1000 + " s.", (millis + 999) / 1000);
    }

    /** A fallback backend with room, or null. Under the lock. */
    private Lease fallback(Need need) {
        List<Backend> fallbacks = withRoom(takingRequests(need, false));
        return fallbacks.isEmpty() ? null : lightest(need, fallbacks, "fallback");
    }

    private List<Backend> takingRequests(Need need, boolean primary) {
        return need.pool().stream()
                .filter(b -> b.primary() == primary && b.weight() > 0 && !need.tried().contains(b) && b.health().available())
                .toList();
    }

    private static List<Backend> withRoom(List<Backend> backends) {
        return backends.stream().filter(Backend::hasRoom).toList();
    }

    private Lease lease(Need need, List<Backend> roomy, List<Backend> pool) {
        Balancer.Choice choice = balancer.choose(roomy, pool, need.ask());
        return take(need, choice.backend(), choice.reason());
    }

    private Lease lightest(Need need, List<Backend> roomy, String reason) {
        return take(need, balancer.lightest(roomy), reason);
    }

    private Lease take(Need need, Backend backend, String reason) {
        backend.take();
        balancer.chosen(backend, need.ask());
        String why = need.failover() && !reason.equals("fallback") ? "failover" : reason;
        metrics.decision(policy, why);
        return new Lease(backend, why);
    }
}
