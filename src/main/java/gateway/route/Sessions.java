package gateway.route;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Session affinity: a client's session (its {@code X-Session-ID}, else the request's
 * {@code user}) stays with the backend that served it, whose cache holds its conversation,
 * until it has been idle for {@code SESSION_TTL_SECONDS}. A binding to a backend that
 * failed is dropped. At most {@link #MAX_SESSIONS} are kept, the least recently used
 * forgotten first, so clients cannot grow the map without end. Thread-safe.
 */
final class Sessions {
    static final int MAX_SESSIONS = 100_000;

    private record Binding(Backend backend, long lastUsed) {
    }

    private final long ttlNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Binding> bindings = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Binding> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    Sessions(Duration ttl, LongSupplier clock) {
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    /** The backend {@code session} is bound to, or null (no session, none bound, or idle too long). */
    synchronized Backend backendOf(String session) {
        if (session == null || ttlNanos == 0) {
            return null;
        }
        Binding binding = bindings.get(session);
        if (binding == null) {
            return null;
        } else if (clock.getAsLong() - binding.lastUsed() > ttlNanos) {
            bindings.remove(session);
            return null;
        }
        return binding.backend();
    }

    /** Binds {@code session} to {@code backend}, or refreshes the binding. */
    synchronized void bind(String session, Backend backend) {
        if (session != null && ttlNanos > 0) {
            bindings.put(session, new Binding(backend, clock.getAsLong()));
        }
    }

    /** Drops the binding of {@code session} if it is to {@code backend}, which just failed it. */
    synchronized void unbind(String session, Backend backend) {
        Binding binding = session == null ? null : bindings.get(session);
        if (binding != null && binding.backend() == backend) {
            bindings.remove(session);
        }
    }

    synchronized int size() {
        return bindings.size();
    }
}
