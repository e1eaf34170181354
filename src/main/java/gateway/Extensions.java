package gateway;

import gateway.config.Settings;
import gateway.observe.Log;
import gateway.observe.RoutingMetrics;
import gateway.route.RoutingPolicy;
import gateway.route.RoutingWorker;
import gateway.worker.EchoWorker;
import gateway.worker.Worker;
import java.util.List;
import java.util.Objects;

/**
 * What an embedder plugs into a gateway ({@link GatewayBuilder}) besides its settings. The
 * gateway started from settings alone has {@link #NONE}.
 *
 * @param worker answers every model request in place of the echo; null: the echo, or the
 *               backends the settings name (the builder never gives both)
 * @param policy chooses among a pool's backends in place of {@code ROUTING}'s; null: {@code ROUTING}'s
 * @param check  runs on every model request after the gateway's own checks
 * @param owned  closed after the gateway, in order: the in-process mocks, a worker that is {@link AutoCloseable}
 */
record Extensions(Worker worker, RoutingPolicy policy, RequestCheck check, List<AutoCloseable> owned) {
    static final Extensions NONE = new Extensions(null, null, (request, client) -> { }, List.of());

    Extensions {
        Objects.requireNonNull(check, "check");
        owned = List.copyOf(owned);
    }

    /** The worker for {@code settings}: the embedder's, else the router over the backends, else the echo. */
    Worker workerFor(Settings settings, RoutingMetrics metrics, Log log) {
        var upstream = settings.upstream();
        if (worker != null) {
            return worker;
        } else if (settings.echoMode()) {
            return new EchoWorker(upstream.echoTokenDelay(), upstream.defaultModel());
        }
        return new RoutingWorker(upstream, settings.routing(), policy, metrics, log);
    }

    /** Closes what the gateway owns, after it. */
    void close() {
        closeAll(owned);
    }

    /** Closes each, even when another fails; the first failure is thrown at the end. */
    static void closeAll(List<AutoCloseable> owned) {
        RuntimeException failure = null;
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure == null) {
                    failure = new IllegalStateException("closing " + resource + " failed: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
