package gateway.route;

import gateway.config.BackendSettings;
import gateway.worker.Worker;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend as the router sees it: its settings, the worker that calls it, the models it
 * serves, its health, and the requests it is serving now. The gateway counts those itself
 * rather than asking the server: it knows at once, and the same way for every kind of server.
 * A {@link RoutingPolicy} sees it as a {@link RoutingPolicy.Candidate}.
 */
final class Backend implements RoutingPolicy.Candidate {
    private final BackendSettings settings;
    private final Worker worker;
    private final Health health;
    /** Changed by the {@link Scheduler} under its lock; read without it. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** What its {@code /v1/models} listed, or null until known. */
    private volatile Set<String> discovered;

    Backend(BackendSettings settings, Worker worker, Health health) {
        this.settings = settings;
        this.worker = worker;
        this.health = health;
    }

    @Override
    public String name() {
        return settings.name();
    }

    BackendSettings settings() {
        return settings;
    }

    Worker worker() {
        return worker;
    }

    Health health() {
        return health;
    }

    boolean primary() {
        return settings.role() == BackendSettings.Role.PRIMARY;
    }

    @Override
    public int weight() {
        return settings.weight();
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public int slots() {
        return settings.slots();
    }

    /** True when it may take one more request now: it has no slot limit, or a free slot. */
    boolean hasRoom() {
        return settings.slots() == 0 || inFlight.get() < settings.slots();
    }

    /**
     * Requests per slot: how busy it is, comparable across backends of different sizes (a
     * backend without a slot limit counts as one slot).
     */
    @Override
    public double load() {
        return inFlight.get() / (double) Math.max(1, settings.slots());
    }

    /** Its share of capacity, the unit of {@link #load()}. */
    int capacity() {
        return Math.max(1, settings.slots());
    }

    void take() {
        inFlight.incrementAndGet();
    }

    void give() {
        inFlight.decrementAndGet();
    }

    /**
     * True when it takes requests for {@code model} (null: the request names none, and any
     * backend picks its own). A backend whose list is not known yet, or empty (a server
     * without {@code /v1/models}), is let try: the alternative, a 404, would be wrong when
     * it does serve the model.
     */
    boolean serves(String model) {
        if (model == null || settings.anyModel()) {
            return true;
        } else if (!settings.models().isEmpty()) {
            return settings.models().contains(model);
        }
        Set<String> found = discovered;
        return found == null || found.isEmpty() || found.contains(model);
    }

    /** The models it is known to serve, for {@code GET /v1/models}: configured, else discovered. */
    List<String> knownModels() {
        if (!settings.models().isEmpty()) {
            return settings.models();
        }
        Set<String> found = discovered;
        return found == null ? List.of() : List.copyOf(found);
    }

    /** True when its models come from its {@code /v1/models}. */
    boolean discovers() {
        return settings.models().isEmpty() && !settings.anyModel();
    }

    /** True once a discovering backend's list is known. */
    boolean discovered() {
        return discovered != null;
    }

    void discovered(Set<String> models) {
        discovered = Set.copyOf(models);
    }
}
