package gateway;

import gateway.config.BackendSettings;
import gateway.config.Settings;
import gateway.config.SettingsException;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.mock.Shape;
import gateway.observe.Log;
import gateway.route.RoutingPolicy;
import gateway.worker.Worker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.function.Consumer;

/**
 * Builds a gateway with parts of one's own, each in a line or two; {@link Gateway#builder()}
 * makes one. What is not given is as {@link Gateway#start(Settings)} has it: the settings'
 * defaults (an echo gateway on 127.0.0.1:8080), the log on standard output.
 *
 * <pre>{@code
 * try (var gateway = Gateway.builder()
 *         .port(0)                                        // a free port
 *         .worker(new Shout())                            // answers every request
 *         .log(lines::add)                                // the JSON log lines
 *         .check((request, client) -> { ... })            // may refuse a request
 *         .start()) {
 *     URI base = gateway.uri();
 * }
 * }</pre>
 *
 * <p>Settings come either whole ({@link #settings(Settings)}) or key by key as
 * {@code gateway.env} writes them ({@link #setting(String, String)}), not both: the keys are
 * checked together when the gateway starts. The builder is not thread-safe; each
 * {@link #start()} starts a new gateway, with new mocks.
 */
public final class GatewayBuilder {
    private Settings settings;
    private final Map<String, String> values = new HashMap<>();
    private Integer port;
    private Consumer<String> logLines;
    private Worker worker;
    private RoutingPolicy policy;
    private final List<RequestCheck> checks = new ArrayList<>();
    /** The mock to start as the one backend of {@code BACKEND_URL}, or null. */
    private MockOptions singleMock;
    /** The mocks to start as backends of {@code BACKENDS}, by name. */
    private final SequencedMap<String, MockOptions> namedMocks = new LinkedHashMap<>();

    GatewayBuilder() {
    }

    /**
     * Starts from these settings (such as {@link Settings#load} made them) rather than the
     * defaults. Not with {@link #setting}, or with {@link #mock}, which add keys.
     *
     * @param settings the settings
     * @return this builder
     * @throws IllegalStateException when keys were given already
     */
    public GatewayBuilder settings(Settings settings) {
        if (!values.isEmpty() || singleMock != null || !namedMocks.isEmpty()) {
            throw new IllegalStateException("settings(Settings) replaces every setting: give it before setting() and mock(), "
                    + "or give every setting as setting(KEY, value)");
        }
        this.settings = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /**
     * Sets one key over the defaults, as a line {@code KEY=value} of {@code gateway.env} would:
     * {@code setting("API_KEYS", "alice:sk-alice")}. Unknown keys and bad values are reported
     * by {@link #start()}, naming the key.
     *
     * @param key   a key that {@code gateway.env} documents, or a backend's {@code BACKEND_<NAME>_*}
     * @param value its value, as text
     * @return this builder
     * @throws IllegalStateException after {@link #settings(Settings)}
     */
    public GatewayBuilder setting(String key, String value) {
        requireNoSettings("setting(" + key + ", …)");
        values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Listens on this port, whatever the settings say: 0 picks a free one, which
     * {@link Gateway#port()} and {@link Gateway#uri()} then tell. Tests use 0.
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public GatewayBuilder port(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + ": expected 0..65535");
        }
        this.port = port;
        return this;
    }

    /**
     * Sends the log's lines here rather than to standard output: one JSON object per line,
     * such as {@code {"time":…,"level":"info","event":"request","status":200,…}}. Called from
     * many threads at once: collect into a thread-safe list.
     *
     * @param lines receives each line, without its line break
     * @return this builder
     */
    public GatewayBuilder log(Consumer<String> lines) {
        this.logLines = Objects.requireNonNull(lines, "lines");
        return this;
    }

    /**
     * Answers every model request (chat, completions, embeddings, responses) with this worker,
     * in place of the echo: a {@link gateway.worker.TextWorker} answers every text operation
     * from one method. Not with backends (the settings' or {@link #mock}s): the worker replaces
     * them. The caller keeps it, and closes it if it holds anything.
     *
     * @param worker the worker; called from many request threads at once
     * @return this builder
     */
    public GatewayBuilder worker(Worker worker) {
        this.worker = Objects.requireNonNull(worker, "worker");
        return this;
    }

    /**
     * Starts a {@link MockBackend} on a free loopback port when the gateway starts, makes it
     * the gateway's one backend ({@code BACKEND_URL}), and closes it after the gateway.
     *
     * @param options how the mock answers: {@link MockOptions#defaults()}, or changed with its {@code withX} methods
     * @return this builder
     * @throws IllegalArgumentException for a mock of a prompt API, which needs a name ({@link #mock(String, MockOptions)})
     */
    public GatewayBuilder mock(MockOptions options) {
        requireNoSettings("mock(…)");
        if (options.shape() != Shape.OPENAI) {
            throw new IllegalArgumentException("a mock of the " + options.shape().id() + " API is a backend of BACKENDS with "
                    + "its KIND and PATH: give it a name, with mock(name, options)");
        } else if (singleMock != null || !namedMocks.isEmpty()) {
            throw new IllegalStateException("mock(options) makes the one backend of BACKEND_URL, once: for several mocks, "
                    + "name each with mock(name, options)");
        }
        this.singleMock = options;
        return this;
    }

    /**
     * Starts a {@link MockBackend} on a free loopback port when the gateway starts, adds it to
     * {@code BACKENDS} under {@code name} (with its {@code BACKEND_<NAME>_URL}, and its
     * {@code KIND} and {@code PATH} for a prompt API), and closes it after the gateway. Call
     * once per backend; the backend's other keys ({@code BACKEND_<NAME>_SLOTS}, …) can be
     * given with {@link #setting}, and backends that are not mocks with {@code BACKENDS}.
     *
     * @param name    the backend's name: lower case letters and digits, such as {@code gpu1}
     * @param options how the mock answers
     * @return this builder
     */
    public GatewayBuilder mock(String name, MockOptions options) {
        requireNoSettings("mock(" + name + ", …)");
        Objects.requireNonNull(options, "options");
        if (singleMock != null) {
            throw new IllegalStateException("mock(options) made the one backend of BACKEND_URL: for several mocks, "
                    + "name each with mock(name, options)");
        } else if (namedMocks.putIfAbsent(Objects.requireNonNull(name, "name"), options) != null) {
            throw new IllegalStateException("a mock named " + name + " is given twice");
        }
        return this;
    }

    /**
     * Chooses among the backends of a model's pool with this policy, in place of
     * {@code ROUTING}'s. Needs backends (the settings' or {@link #mock}s).
     *
     * @param policy the policy, called under the router's lock (see {@link RoutingPolicy})
     * @return this builder
     */
    public GatewayBuilder routing(RoutingPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Adds a check that every model request must pass after the gateway's own, before any
     * worker or backend sees it. Checks run in the order they were added; the first to throw
     * answers the client.
     *
     * @param check the check
     * @return this builder
     */
    public GatewayBuilder check(RequestCheck check) {
        checks.add(Objects.requireNonNull(check, "check"));
        return this;
    }

    /**
     * Starts the mocks, then the gateway. Close the gateway to stop everything it started.
     *
     * @return the gateway, listening
     * @throws SettingsException     for an unknown key or a value that cannot be used
     * @throws IllegalStateException for parts that do not go together: a worker with
     *                               backends, a routing policy without backends
     * @throws java.io.UncheckedIOException when it cannot listen on its port
     */
    public Gateway start() {
        var started = new ArrayList<AutoCloseable>();
        try {
            Settings chosen = resolve(started);
            if (worker != null && !chosen.echoMode()) {
                throw new IllegalStateException("worker(...) answers every request in place of the backends, and the settings "
                        + "name backends too (" + String.join(", ", chosen.upstream().backends().stream()
                        .map(BackendSettings::name).toList()) + "): give one or the other");
            } else if (policy != null && chosen.echoMode()) {
                throw new IllegalStateException("routing(...) chooses among backends, and there are none: add BACKENDS, "
                        + "BACKEND_URL or mock(...)" + (worker != null ? ", rather than worker(...)" : ""));
            }
            List<RequestCheck> all = List.copyOf(checks);
            RequestCheck check = (request, client) -> {
                for (RequestCheck each : all) {
                    each.check(request, client);
                }
            };
            Log log = logLines != null ? new Log(logLines) : Log.toStandardOutput();
            return Gateway.start(chosen, log, new Extensions(worker, policy, check, started));
        } catch (RuntimeException e) {
            try {
                Extensions.closeAll(started);
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The settings to start with: those given, or the defaults under the keys given and the mocks' (started here). */
    private Settings resolve(List<AutoCloseable> started) {
        Settings resolved = settings;
        if (resolved == null) {
            var keys = new HashMap<>(values);
            if (singleMock != null) {
                keys.put("BACKEND_URL", startMock(singleMock, started).uri().toString());
            }
            namedMocks.forEach((name, options) -> {
                String prefix = BackendSettings.prefix(name);
                keys.put(prefix + "URL", startMock(options, started).uri().toString());
                if (options.shape() != Shape.OPENAI) {
                    keys.putIfAbsent(prefix + "KIND", "prompt");
                    keys.putIfAbsent(prefix + "PATH", options.shape().path());
                }
            });
            if (!namedMocks.isEmpty()) {
                String given = keys.getOrDefault("BACKENDS", "").strip();
                keys.put("BACKENDS", (given.isEmpty() ? "" : given + ",") + String.join(",", namedMocks.sequencedKeySet()));
            }
            resolved = Settings.from(keys);
        }
        return port == null ? resolved : resolved.withPort(port);
    }

    private static MockBackend startMock(MockOptions options, List<AutoCloseable> started) {
        MockBackend mock = MockBackend.start("127.0.0.1", 0, options);
        started.add(mock);
        return mock;
    }

    private void requireNoSettings(String call) {
        if (settings != null) {
            throw new IllegalStateException(call + " after settings(Settings): give every setting as setting(KEY, value), "
                    + "or none");
        }
    }
}
