package gateway;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.observe.RoutingMetrics;
import gateway.openai.ModelRequest;
import gateway.route.RoutingWorker;
import gateway.worker.Worker;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The worker that answers, made from the settings: the echo worker, or the router over the
 * backends (or an embedder's own, which stays). When a reload changes the backends or the
 * routing, {@link #follow} makes a new one and new calls go to it at once, while each call
 * already begun ends on the worker it began on: a stream in flight is never cut by a reload.
 * A router replaced is closed (its health checks and HTTP client) when its last call ends, or
 * when the gateway closes.
 */
final class WorkerSwitch implements Worker, AutoCloseable {
    /** One worker, what it was made from, and the calls on it. */
    private static final class Tenure {
        final Worker worker;
        final Settings madeFrom;
        final AtomicInteger calls = new AtomicInteger();
        /** Set once new calls go elsewhere; read by each call after it counts itself (see {@link #enter}). */
        volatile boolean replaced;
        private final AtomicBoolean closed = new AtomicBoolean();

        Tenure(Worker worker, Settings madeFrom) {
            this.worker = worker;
            this.madeFrom = madeFrom;
        }

        /** Closes the worker, once, whoever gets here first: the last call, the switch, or the gateway's close. */
        void close() {
            if (closed.compareAndSet(false, true) && worker instanceof RoutingWorker router) {
                router.close(); // the echo worker holds nothing
            }
        }
    }

    private final Function<Settings, Worker> make;
    private final RoutingMetrics metrics;
    private volatile Tenure current;
    /** Workers replaced whose calls have not all ended: the gateway's close closes them too. */
    private final Set<Tenure> draining = ConcurrentHashMap.newKeySet();
    private boolean closed;

    /**
     * @param make    the worker for some settings; a router registers its gauges with {@code metrics}
     * @param metrics where the routing gauges are shown, emptied when the worker made is no router
     */
    WorkerSwitch(Settings settings, Function<Settings, Worker> make, RoutingMetrics metrics) {
        this.make = make;
        this.metrics = metrics;
        this.current = new Tenure(make(settings), settings);
    }

    /**
     * Makes a new worker, for new calls, when {@code settings} name other backends or routing
     * than the worker in use was made from; else does nothing. After {@link #close} it does nothing.
     */
    synchronized void follow(Settings settings) {
        Tenure old = current;
        boolean same = settings.upstream().equals(old.madeFrom.upstream()) && settings.routing().equals(old.madeFrom.routing());
        if (closed || same) {
            return;
        }
        Worker next = make(settings);
        if (next == old.worker) {
            return; // an embedder's own worker, whatever the backends
        }
        current = new Tenure(next, settings);
        draining.add(old);
        old.replaced = true;
        if (old.calls.get() == 0) {
            finish(old);
        }
    }

    /** The router in use, to show the backends' states; null in echo mode. */
    RoutingWorker routing() {
        return current.worker instanceof RoutingWorker router ? router : null;
    }

    @Override
    public JsonObject complete(ModelRequest request, Call call) throws IOException {
        Tenure tenure = enter();
        try {
            return tenure.worker.complete(request, call);
        } finally {
            leave(tenure);
        }
    }

    @Override
    public void stream(ModelRequest request, ChunkSink sink, Call call) throws IOException {
        Tenure tenure = enter();
        try {
            tenure.worker.stream(request, sink, call);
        } finally {
            leave(tenure);
        }
    }

    @Override
    public JsonObject models() {
        Tenure tenure = enter();
        try {
            return tenure.worker.models();
        } finally {
            leave(tenure);
        }
    }

    @Override
    public Optional<String> notReadyReason() {
        Tenure tenure = enter();
        try {
            return tenure.worker.notReadyReason();
        } finally {
            leave(tenure);
        }
    }

    @Override
    public String describe() {
        return current.worker.describe();
    }

    /** Closes the worker in use and those still draining: the gateway has stopped, and cut what was left. */
    @Override
    public synchronized void close() {
        closed = true;
        current.close();
        draining.forEach(Tenure::close);
        draining.clear();
    }

    /**
     * The worker a call runs on. A call counts itself first and then checks that its worker
     * was not replaced meanwhile, while {@link #follow} marks the worker replaced first and then
     * reads the count: so either the call sees the mark and moves to the new worker, or the
     * switch sees the call and leaves the old worker open for it.
     */
    private Tenure enter() {
        while (true) {
            Tenure tenure = current;
            tenure.calls.incrementAndGet();
            if (!tenure.replaced) {
                return tenure;
            }
            leave(tenure);
        }
    }

    private void leave(Tenure tenure) {
        if (tenure.calls.decrementAndGet() == 0 && tenure.replaced) {
            finish(tenure);
        }
    }

    private void finish(Tenure replaced) {
        replaced.close();
        draining.remove(replaced);
    }

    private Worker make(Settings settings) {
        Worker worker = make.apply(settings); // a router's gauges replace those of the last one
        if (!(worker instanceof RoutingWorker)) {
            metrics.observe(List::of, () -> 0); // no backends to show: a router replaced by echo leaves none behind
        }
        return worker;
    }
}
