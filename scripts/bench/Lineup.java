import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The places one run sends the same requests to, one column each:
 * <pre>
 *   direct   the mock backend itself
 *   nginx    nginx in front of it (when installed): one proxy hop at its cheapest
 *   jdk      {@link BareProxy}: the JDK's server and client copying bytes, no logic (the floor)
 *   before   the gateway of BASELINE_JAR, set up as "gateway" (only with BASELINE_JAR)
 *   gateway  the gateway with one backend (BACKEND_URL), an API key, a rate limit, a log file, metrics
 *   routed   the same with two backends (BACKENDS, least-loaded), both the one mock
 *   traced   routed, plus OTLP export of every request's spans to a collector (OtlpSink)
 * </pre>
 * Each gateway column adds one thing to the one before it, so the difference between two
 * neighbours is that thing's cost, and "traced" is the gateway with every feature on.
 * Phases that need processes of their own (held streams, echo mode, start-up) start them
 * here too, with the same settings.
 */
final class Lineup {
    static final String DIRECT = "direct";
    static final String NGINX = "nginx";
    static final String JDK = "jdk";
    static final String BEFORE = "before";
    static final String GATEWAY = "gateway";
    static final String ROUTED = "routed";
    static final String TRACED = "traced";
    /** The phase under which a column that did not start is noted. */
    static final String PHASE = "set-up";
    /** The collector behind "traced": "hang" never answers (the case), "up" answers 200 at once. */
    static final String COLLECTOR = System.getenv().getOrDefault("BENCH_COLLECTOR", "hang");
    /**
     * Fault options for every mock (BENCH_MOCK_FAULTS="--error-rate 0.01 --cut-rate 0.01", see
     * {@code gateway mock --help}): to see how the benchmark reports requests and streams that
     * fail, without waiting for a busy machine.
     */
    static final String MOCK_FAULTS = System.getenv().getOrDefault("BENCH_MOCK_FAULTS", "").trim();

    /** One place requests go, under its column's name. */
    record Target(String name, Services.Service service) {
        URI chat() {
            return URI.create("http://127.0.0.1:" + service.port() + "/v1/chat/completions");
        }
    }

    private final Report report;
    private final Services services;
    private final Path jar;
    /** The gateway jar before a change ({@code BASELINE_JAR}), or null. */
    private final Path baselineJar;
    private final Path folder;
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final String reply = IntStream.range(0, Bench.FRAMES).mapToObj(Integer::toString)
            .collect(Collectors.joining(" "));
    private String collectorUrl;

    Lineup(Report report, Services services, Path jar, Path baselineJar, Path folder) {
        this.report = report;
        this.services = services;
        this.jar = jar;
        this.baselineJar = baselineJar;
        this.folder = folder;
    }

    /** Every column of the table, in order; nginx's stays empty when it is not installed. */
    static List<String> columns(boolean baseline) {
        return baseline ? List.of(DIRECT, NGINX, JDK, BEFORE, GATEWAY, ROUTED, TRACED)
                : List.of(DIRECT, NGINX, JDK, GATEWAY, ROUTED, TRACED);
    }

    /** The gateways' own columns. */
    List<String> gateways() {
        return baselineJar == null ? List.of(GATEWAY, ROUTED, TRACED) : List.of(BEFORE, GATEWAY, ROUTED, TRACED);
    }

    String java() {
        return java;
    }

    Services services() {
        return services;
    }

    Path jarOf(String column) {
        return column.equals(BEFORE) ? baselineJar : jar;
    }

    /**
     * Starts every column's process in front of one mock whose frames are
     * {@link Bench#FRAME_SPACING_MS} apart, and returns those that started; a column that did
     * not start is noted and stays empty.
     */
    List<Target> startAll() throws InterruptedException {
        var started = new ArrayList<Target>();
        Optional<Services.Service> mock = report.attempt(PHASE, DIRECT, () -> mock("mock", Bench.FRAME_SPACING_MS));
        mock.ifPresent(service -> started.add(new Target(DIRECT, service)));
        for (String column : columns(baselineJar != null)) {
            if (column.equals(DIRECT) || column.equals(NGINX) && !Nginx.installed()) {
                continue;
            } else if (mock.isEmpty()) {
                report.failed(PHASE, column, "the mock did not start");
                continue;
            }
            report.attempt(PHASE, column, () -> proxy(column, column, mock.get().port()))
                    .ifPresent(service -> started.add(new Target(column, service)));
        }
        return started;
    }

    /**
     * The targets whose process still runs. One that has ended (it crashed, or something
     * else on the machine stopped it) cannot be measured: that is noted for this phase,
     * rather than a phase's worth of refused connections.
     */
    List<Target> alive(List<Target> targets, String phase) {
        var alive = new ArrayList<Target>();
        for (Target target : targets) {
            if (target.service().process().isAlive()) {
                alive.add(target);
            } else {
                report.failed(phase, target.name(), ended(target.service()));
            }
        }
        return alive;
    }

    /** "the process had ended (exit 143; see gateway.out)". */
    static String ended(Services.Service service) {
        return "the process had ended (exit " + service.process().exitValue() + "; see " + service.name() + ".out)";
    }

    /**
     * A fresh process of {@code column}'s kind, named {@code name}, in front of the mock on
     * {@code mockPort}. Routed and traced name it as two backends: a second mock process,
     * one more JVM on two shared cores with a JIT of its own to warm, slowed those two columns
     * alone (routed's first frames at 1,000 streams came 3 to 4 × later than the gateway's, and
     * traced, measured after routed had warmed that mock, in between), which is not routing's cost.
     */
    Services.Service proxy(String column, String name, int mockPort) throws IOException, InterruptedException {
        return switch (column) {
            case NGINX -> Nginx.start(services, folder, mockPort);
            case JDK -> bareProxy(name, mockPort);
            case BEFORE, GATEWAY -> gateway(jarOf(column), name, List.of(mockPort), false);
            case ROUTED -> gateway(jar, name, List.of(mockPort, mockPort), false);
            case TRACED -> gateway(jar, name, List.of(mockPort, mockPort), true);
            default -> throw new IllegalArgumentException("no proxy for the column " + column);
        };
    }

    /** A mock whose reply is the numbered frames "0 1 ... 19", {@code spacingMs} apart. */
    Services.Service mock(String name, int spacingMs) throws IOException, InterruptedException {
        int port = Services.freePort();
        // The JDK's HTTP server closes idle connections beyond 200; nginx and the gateway keep
        // more open to the mock than that, and a POST on a connection closed under it fails.
        var command = new ArrayList<>(List.of(java, "-Dsun.net.httpserver.maxIdleConnections=20000",
                "-jar", jar.toString(), "mock",
                "--port", Integer.toString(port), "--reply", reply, "--token-delay-ms", Integer.toString(spacingMs)));
        if (!MOCK_FAULTS.isEmpty()) {
            command.addAll(Arrays.asList(MOCK_FAULTS.split("\\s+")));
        }
        return services.start(name, port, null, command, Map.of());
    }

    /** The bare JDK stack, with the gateway's JVM flags: see {@link BareProxy}. No mock port: it answers itself. */
    Services.Service bareProxy(String name, Integer mockPort) throws IOException, InterruptedException {
        int port = Services.freePort();
        var command = new ArrayList<>(List.of(java));
        command.addAll(Bench.JAVA_OPTS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "BareProxy", Integer.toString(port)));
        if (mockPort != null) {
            command.add("http://127.0.0.1:" + mockPort);
        }
        return services.start(name, port, null, command, Map.of());
    }

    /**
     * A gateway from {@code gatewayJar}: in echo mode without mock ports, with BACKEND_URL
     * for one, with BACKENDS (least-loaded, the default) for more; {@code traced} adds OTLP
     * export. A single-backend gateway needs only settings that a baseline jar knows too.
     */
    Services.Service gateway(Path gatewayJar, String name, List<Integer> mockPorts, boolean traced)
            throws IOException, InterruptedException {
        return gateway(gatewayJar, name, mockPorts, traced, List.of());
    }

    /** An echo gateway as {@link #gateway} makes one, with these JVM flags before the others (a class cache). */
    Services.Service echoGateway(Path gatewayJar, String name, List<String> jvmFlags) throws IOException, InterruptedException {
        return gateway(gatewayJar, name, List.of(), false, jvmFlags);
    }

    private Services.Service gateway(Path gatewayJar, String name, List<Integer> mockPorts, boolean traced,
            List<String> jvmFlags) throws IOException, InterruptedException {
        int port = Services.freePort();
        var environment = new HashMap<String, String>();
        environment.put("PORT", Integer.toString(port));
        if (mockPorts.size() <= 1) {
            environment.put("BACKEND_URL", mockPorts.isEmpty() ? "" : "http://127.0.0.1:" + mockPorts.getFirst());
        } else {
            var names = IntStream.range(0, mockPorts.size()).mapToObj(i -> "m" + (i + 1)).toList();
            environment.put("BACKENDS", String.join(",", names));
            for (int i = 0; i < names.size(); i++) {
                environment.put("BACKEND_" + names.get(i).toUpperCase() + "_URL", "http://127.0.0.1:" + mockPorts.get(i));
            }
        }
        if (traced) {
            environment.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector());
        }
        environment.put("ECHO_TOKEN_DELAY_MS", "0");
        environment.put("API_KEYS", "bench:" + Bench.API_KEY);
        environment.put("RATE_LIMIT_RPM", "1000000"); // checked on every request, never reached
        environment.put("LOG_FILE", folder.resolve(name + ".log").toString());
        environment.put("LOG_MAX_BYTES", Integer.toString(50 << 20));
        environment.put("LOG_MAX_FILES", "1");
        var command = new ArrayList<>(List.of(java));
        command.addAll(jvmFlags);
        command.addAll(Bench.JAVA_OPTS);
        command.addAll(List.of("-jar", gatewayJar.toString(), "--env-file", folder.resolve("none.env").toString()));
        Files.writeString(folder.resolve("none.env"), "# every setting comes from the environment\n");
        // With several backends the first health check decides whether a backend takes
        // requests: /readyz says when one does. One backend is asked directly, as before.
        return services.start(name, port, mockPorts.size() > 1 ? "/readyz" : "/healthz", command, environment);
    }

    /** The OTLP collector's address, started on first use and shared by every traced gateway. */
    private String collector() throws IOException, InterruptedException {
        if (collectorUrl == null) {
            int port = Services.freePort();
            var command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "OtlpSink",
                    Integer.toString(port)));
            if (COLLECTOR.equals("hang")) {
                command.add("hang");
            }
            services.start("collector", port, null, command, Map.of());
            collectorUrl = "http://127.0.0.1:" + port;
        }
        return collectorUrl;
    }
}
