package gateway.route;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether one backend may take new requests, from three sources:
 * <ul>
 *   <li><b>active</b>: the prober's checks. Unhealthy after {@link #UNHEALTHY_AFTER} failed
 *       checks in a row, healthy again after {@link #HEALTHY_AFTER} good ones; the first
 *       check decides alone, so a backend that is down at start is known at once.
 *   <li><b>passive</b>: the outcome of real requests. {@link #EJECT_AFTER} failures in a row
 *       (no answer, or a 5xx) eject it for {@link #BASE_EJECTION} times the number of
 *       ejections in a row (Envoy's outlier detection); the router never ejects the last
 *       backend that can serve a model ({@link #failed} asks).
 *   <li><b>cooldown</b>: a 429 or 503 with {@code Retry-After} rests it for that long.
 * </ul>
 * Every state keeps why and until when, for {@code /admin/backends}. Thread-safe.
 */
final class Health {
    static final int UNHEALTHY_AFTER = 3;
    static final int HEALTHY_AFTER = 2;
    static final int EJECT_AFTER = 5;
    static final Duration BASE_EJECTION = Duration.ofSeconds(30);
    /** A backend's Retry-After is honoured up to this long; beyond, the prober decides. */
    static final Duration MAX_COOLDOWN = Duration.ofMinutes(5);

    enum Probe { UNKNOWN, HEALTHY, UNHEALTHY }

    /** What the router needs to know now, and what {@code /admin/backends} shows. */
    record State(Probe probe, String probeReason, boolean ejected, long ejectedUntil, String ejectReason,
            boolean coolingDown, long coolingUntil, String coolReason, int coolStatus) {
        /** Takes new requests: not known to be down, not ejected, not resting. */
        boolean available() {
            return probe != Probe.UNHEALTHY && !ejected && !coolingDown;
        }
    }

    private final LongSupplier clock;
    private Probe probe = Probe.UNKNOWN;
    private String probeReason;
    private int probesInARow; // failures while healthy, successes while unhealthy
    private int failuresInARow;
    private int ejectionsInARow;
    private long ejectedUntil;
    private String ejectReason;
    private long coolingUntil;
    private String coolReason;
    private int coolStatus;

    /** @param clock nanosecond readings ({@code System::nanoTime}; a fake one in tests) */
    Health(LongSupplier clock) {
        this.clock = clock;
        this.ejectedUntil = clock.getAsLong(); // "until now": not ejected, not cooling down
        this.coolingUntil = ejectedUntil;
    }

    /**
     * A health check's result.
     *
     * @return true when it changed whether the backend is healthy
     */
    synchronized boolean probed(boolean ok, String reason) {
        Probe before = probe;
        if (probe == Probe.UNKNOWN) {
            probe = ok ? Probe.HEALTHY : Probe.UNHEALTHY;
        } else if (ok == (probe == Probe.HEALTHY)) {
            probesInARow = 0;
        } else if (++probesInARow >= (ok ? HEALTHY_AFTER : UNHEALTHY_AFTER)) {
            probe = ok ? Probe.HEALTHY : Probe.UNHEALTHY;
            probesInARow = 0;
        }
        if (!ok) {
            probeReason = reason;
        } else if (probe == Probe.HEALTHY) {
            probeReason = null;
        }
        return probe != before;
    }

    /** A request it answered: its run of failures, and of ejections, is over. */
    synchronized void succeeded() {
        failuresInARow = 0;
        ejectionsInARow = 0;
    }

    /**
     * A request it failed (no answer, or a 5xx).
     *
     * @param mayEject asked when the run of failures calls for an ejection: false when the
     *                 backend is the last that can serve one of its models
     * @return true when this failure ejected it
     */
    synchronized boolean failed(String reason, BooleanSupplier mayEject) {
        long now = clock.getAsLong();
        if (++failuresInARow < EJECT_AFTER || now - ejectedUntil < 0) {
            return false;
        }
        failuresInARow = 0;
        if (!mayEject.getAsBoolean()) {
            ejectReason = "kept in: the last backend that can serve its models (" + reason + ")";
            return false;
        }
        ejectionsInARow++;
        ejectedUntil = now + BASE_EJECTION.toNanos() * ejectionsInARow;
        ejectReason = EJECT_AFTER + " failures in a row, the last: " + reason;
        return true;
    }

    /** A 429 or 503 ({@code status}) that said when to come back. */
    synchronized void coolDown(int status, Duration retryAfter) {
        long until = clock.getAsLong() + Math.min(retryAfter.toNanos(), MAX_COOLDOWN.toNanos());
        if (until - coolingUntil > 0) {
            coolingUntil = until;
            coolStatus = status;
            coolReason = "answered " + status + " with Retry-After " + retryAfter.toMillis() + " ms";
        }
    }

    synchronized State state() {
        long now = clock.getAsLong();
        boolean ejected = now - ejectedUntil < 0;
        boolean cooling = now - coolingUntil < 0;
        return new State(probe, probeReason, ejected, ejectedUntil, ejectReason, cooling, coolingUntil, coolReason, coolStatus);
    }

    /** The same as {@code state().available()}, without making a state: it is asked for every request. */
    synchronized boolean available() {
        long now = clock.getAsLong();
        return probe != Probe.UNHEALTHY && now - ejectedUntil >= 0 && now - coolingUntil >= 0;
    }
}
