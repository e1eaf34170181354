import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The benchmark behind {@code scripts/bench.sh}. It starts the mock backend, nginx (when
 * installed), {@link BareProxy} and the gateway, and runs the same workloads straight to
 * the backend ("direct"), through nginx, through the bare JDK stack ("jdk") and through
 * the gateway, in one run: whole replies at 64 and 8 connections and one at a time (with
 * wrk), concurrent streams (with {@link StreamLoad}), the heap per open stream, echo mode,
 * a 1 MiB body and the gateway's start. It prints one table and writes the same figures
 * as JSON.
 *
 * <p>When the environment variable {@code BASELINE_JAR} names another gateway jar (the
 * gateway before a change), that jar runs too, as a second gateway with the same settings
 * in front of the same mock, in a column named "before", and in every row that measures
 * the gateway (echo mode, heap per stream and start-up included): one run then shows the
 * change's effect, with both measured on the same machine at the same time. Targets are
 * judged on the "gateway" column only. Both gateways get only the settings the single-backend
 * gateway knows.
 *
 * <p>usage: {@code Bench JAR FOLDER [SECONDS]}, SECONDS being the length of each load
 * phase (default 10).
 */
public final class Bench {
    static final int FRAMES = 20;
    static final int FRAME_SPACING_MS = 50;
    static final List<Integer> STREAM_COUNTS = List.of(100, 1_000, 5_000);
    /** Streams held open at once while the heap is measured, and the spacing that keeps them open. */
    static final int HELD_STREAMS = 1_000;
    static final int HELD_SPACING_MS = 500;
    static final String API_KEY = "bench-key";
    /** The gateway's JVM flags: scripts/bench.sh passes the ones scripts/run.sh uses. */
    static final String JAVA_OPTS = System.getenv().getOrDefault("GATEWAY_JAVA_OPTS", "-Xmx256m");
    /** The column of the baseline gateway, {@code BASELINE_JAR}, when there is one. */
    static final String BEFORE = "before";

    /** One place requests go: straight to the backend, through nginx, or through the gateway. */
    record Target(String name, Services.Service service) {
        URI chat() {
            return URI.create("http://127.0.0.1:" + service.port() + "/v1/chat/completions");
        }
    }

    /** One line of the table: a figure per target, the gateway's target and whether it was met. */
    record Row(String metric, Map<String, Double> values, String goal, Boolean met) {}

    private final Path jar;
    /** The gateway jar before a change ({@code BASELINE_JAR}), or null. */
    private final Path baselineJar;
    private final Path folder;
    private final int seconds;
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Target> targets = new LinkedHashMap<>();

    private Bench(Path jar, Path baselineJar, Path folder, int seconds) {
        this.jar = jar;
        this.baselineJar = baselineJar;
        this.folder = folder;
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        String baseline = System.getenv().getOrDefault("BASELINE_JAR", "");
        if (!baseline.isEmpty() && !Files.isRegularFile(Path.of(baseline))) {
            System.err.println("BASELINE_JAR=" + baseline + ": no such file");
            System.exit(2);
        }
        var bench = new Bench(Path.of(args[0]), baseline.isEmpty() ? null : Path.of(baseline), Path.of(args[1]),
                args.length > 2 ? Integer.parseInt(args[2]) : 10);
        Files.createDirectories(bench.folder);
        try (var services = new Services(bench.folder)) {
            bench.run(services);
        }
        bench.report();
    }

    private void run(Services services) throws Exception {
        String reply = IntStream.range(0, FRAMES).mapToObj(Integer::toString).collect(Collectors.joining(" "));
        int mockPort = Services.freePort();
        // The JDK's HTTP server closes idle connections beyond 200; nginx and the gateway keep
        // more open to the mock than that, and a POST on a connection closed under it fails.
        var mock = services.start("mock", mockPort, null, List.of(java, "-Dsun.net.httpserver.maxIdleConnections=20000",
                "-jar", jar.toString(), "mock",
                "--port", Integer.toString(mockPort), "--reply", reply, "--token-delay-ms", Integer.toString(FRAME_SPACING_MS)),
                Map.of());
        targets.put("direct", new Target("direct", mock));
        if (Nginx.installed()) {
            targets.put("nginx", new Target("nginx", Nginx.start(services, folder, mockPort)));
        } else {
            System.out.println("nginx is not installed: its column stays empty (apt-get install nginx).");
        }
        targets.put("jdk", new Target("jdk", startBareProxy(services, "jdk", mockPort)));
        if (baselineJar != null) {
            targets.put(BEFORE, new Target(BEFORE, startGateway(services, baselineJar, BEFORE, "http://127.0.0.1:" + mockPort)));
        }
        targets.put("gateway", new Target("gateway", startGateway(services, jar, "gateway", "http://127.0.0.1:" + mockPort)));

        boolean wrk = Wrk.installed();
        if (wrk) {
            // The JIT needs long on two busy cores: the JVMs (and the mock behind them) warm up for longer.
            progress("warming up: %d s per target, %d s for the JVM proxies", seconds, 3 * seconds);
            for (Target target : targets.values()) {
                boolean jvm = !target.name().equals("direct") && !target.name().equals("nginx");
                Wrk.run(target.chat(), 2, 64, jvm ? 3 * seconds : seconds, 0);
            }
            throughput();
            latency();
            sequential();
            largeBody();
        } else {
            System.out.println("wrk is not installed: only streams are measured (apt-get install wrk).");
        }
        streams();
        heapPerStream(services, reply);
        if (wrk) {
            echo(services);
        }
        startup(services);
    }

    /** The bare JDK stack, with the gateway's JVM flags: see {@link BareProxy}. No mock port: it answers itself. */
    private Services.Service startBareProxy(Services services, String name, Integer mockPort)
            throws IOException, InterruptedException {
        int port = Services.freePort();
        var command = new ArrayList<>(List.of(java));
        command.addAll(Arrays.asList(JAVA_OPTS.trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "BareProxy", Integer.toString(port)));
        if (mockPort != null) {
            command.add("http://127.0.0.1:" + mockPort);
        }
        return services.start(name, port, null, command, Map.of());
    }

    /** The gateways' columns: "gateway", after "before" when there is a baseline jar. */
    private List<String> gateways() {
        return baselineJar == null ? List.of("gateway") : List.of(BEFORE, "gateway");
    }

    /** The jar of a gateway's column. */
    private Path jarOf(String column) {
        return column.equals(BEFORE) ? baselineJar : jar;
    }

    /**
     * A gateway from {@code gatewayJar} in front of {@code backendUrl} (echo mode when empty),
     * with only settings the single-backend gateway (a baseline jar) knows too.
     */
    private Services.Service startGateway(Services services, Path gatewayJar, String name, String backendUrl)
            throws IOException, InterruptedException {
        int port = Services.freePort();
        var environment = new HashMap<String, String>();
        environment.put("PORT", Integer.toString(port));
        environment.put("BACKEND_URL", backendUrl);
        environment.put("ECHO_TOKEN_DELAY_MS", "0");
        environment.put("API_KEYS", "bench:" + API_KEY);
        environment.put("RATE_LIMIT_RPM", "1000000"); // checked on every request, never reached
        environment.put("LOG_FILE", folder.resolve(name + ".log").toString());
        environment.put("LOG_MAX_BYTES", Integer.toString(50 << 20));
        environment.put("LOG_MAX_FILES", "1");
        var command = new ArrayList<>(List.of(java));
        command.addAll(Arrays.asList(JAVA_OPTS.trim().split("\\s+")));
        command.addAll(List.of("-jar", gatewayJar.toString(), "--env-file", folder.resolve("none.env").toString()));
        Files.writeString(folder.resolve("none.env"), "# every setting comes from the environment\n");
        return services.start(name, port, "/healthz", command, environment);
    }

    private void throughput() throws Exception {
        progress("whole replies at 64 connections, %d s each", seconds);
        var rate = new LinkedHashMap<String, Double>();
        var cpu = new LinkedHashMap<String, Double>();
        for (Target target : targets.values()) {
            Duration before = target.service().cpu();
            Wrk.Result result = Wrk.run(target.chat(), 2, 64, seconds, 0);
            Duration used = target.service().cpu().minus(before);
            rate.put(target.name(), result.perSecond());
            cpu.put(target.name(), used.toNanos() / 1000.0 / result.requests());
        }
        Double nginx = rate.get("nginx");
        row("throughput, 64 connections (req/s)", rate, "≥ 40% of nginx",
                nginx == null ? null : rate.get("gateway") >= 0.4 * nginx);
        row("CPU per request (µs)", cpu, "≤ 80", cpu.get("gateway") <= 80);
    }

    private void latency() throws Exception {
        progress("latency at 8 connections, %d s each", seconds);
        var p50 = new LinkedHashMap<String, Double>();
        var p99 = new LinkedHashMap<String, Double>();
        for (Target target : targets.values()) {
            Wrk.Result result = Wrk.run(target.chat(), 2, 8, seconds, 0);
            p50.put(target.name(), result.p50Micros() / 1000.0);
            p99.put(target.name(), result.p99Micros() / 1000.0);
        }
        row("latency p50, 8 connections (ms)", p50, null, null);
        row("latency p99, 8 connections (ms)", p99, null, null);
        var addedP50 = added(p50);
        var addedP99 = added(p99);
        row("added p50, 8 connections (ms)", addedP50, "≤ 0.3", addedP50.get("gateway") <= 0.3);
        row("added p99, 8 connections (ms)", addedP99, "≤ 1.5", addedP99.get("gateway") <= 1.5);
    }

    /** One request at a time: the median of several short rounds, taken in turns so drift hits all targets alike. */
    private void sequential() throws Exception {
        progress("one request at a time, 5 rounds");
        var median = roundsMedianP50(0);
        var overhead = added(median);
        row("one at a time, p50 (µs)", median, null, null);
        row("one at a time, added p50 (µs)", overhead, "≤ 150", overhead.get("gateway") <= 150);
    }

    private void largeBody() throws Exception {
        progress("1 MiB request bodies, one at a time, 5 rounds");
        var added = added(roundsMedianP50(1 << 20));
        added.replaceAll((name, micros) -> micros == null ? null : micros / 1000.0);
        row("1 MiB body, added p50 (ms)", added, "≤ 10", added.get("gateway") <= 10);
    }

    private Map<String, Double> roundsMedianP50(int padBytes) throws Exception {
        int roundSeconds = Math.max(1, seconds / 5);
        var rounds = new LinkedHashMap<String, List<Double>>();
        for (int round = 0; round < 5; round++) {
            for (Target target : targets.values()) {
                Wrk.Result result = Wrk.run(target.chat(), 1, 1, roundSeconds, padBytes);
                rounds.computeIfAbsent(target.name(), n -> new ArrayList<>()).add((double) result.p50Micros());
            }
        }
        var medians = new LinkedHashMap<String, Double>();
        rounds.forEach((name, values) -> medians.put(name, values.stream().sorted().toList().get(values.size() / 2)));
        return medians;
    }

    private void streams() throws Exception {
        var load = new LinkedHashMap<String, StreamLoad>();
        targets.values().forEach(t -> load.put(t.name(), new StreamLoad(t.chat(), API_KEY, FRAMES, Duration.ofSeconds(60))));
        progress("warming up the streaming path: 1000 streams per target");
        for (Target target : targets.values()) {
            load.get(target.name()).run(1_000);
        }
        for (int count : STREAM_COUNTS) {
            progress("%d concurrent streams of %d frames %d ms apart", count, FRAMES, FRAME_SPACING_MS);
            var completed = new LinkedHashMap<String, Double>();
            var firstP50 = new LinkedHashMap<String, Double>();
            var firstP99 = new LinkedHashMap<String, Double>();
            var gapP99 = new LinkedHashMap<String, Double>();
            var broken = new LinkedHashMap<String, Double>();
            var turnedAway = new LinkedHashMap<String, Double>();
            var peak = new LinkedHashMap<String, Double>();
            for (Target target : targets.values()) {
                var sampler = new PeakSampler(target.service());
                StreamLoad.Result result = load.get(target.name()).run(count);
                long peakKiB = sampler.stop();
                if (!result.failures().isEmpty()) {
                    System.out.printf("  %s: %d streams failed, first: %s%n", target.name(), result.failures().size(),
                            result.failures().getFirst());
                }
                completed.put(target.name(), (double) result.completed());
                turnedAway.put(target.name(), (double) result.overloaded());
                firstP50.put(target.name(), percentile(result.firstFrame(), 50) / 1e6);
                firstP99.put(target.name(), percentile(result.firstFrame(), 99) / 1e6);
                gapP99.put(target.name(), percentile(result.gaps(), 99) / 1e6 - FRAME_SPACING_MS);
                broken.put(target.name(), (double) (result.lost() + result.reordered()));
                if (!target.name().equals("direct")) {
                    peak.put(target.name(), peakKiB / 1024.0);
                }
            }
            boolean last = count == STREAM_COUNTS.getLast();
            String prefix = count + " streams: ";
            row(prefix + "completed", completed, last ? "all" : null, last ? completed.get("gateway") == count : null);
            row(prefix + "turned away (503 overloaded)", turnedAway, null, null);
            row(prefix + "frames lost or reordered", broken, last ? "0" : null, last ? broken.get("gateway") == 0 : null);
            Double nginxFirst = firstP50.get("nginx");
            boolean judgeFirst = count == 1_000 && nginxFirst != null;
            row(prefix + "first frame p50 (ms)", firstP50, judgeFirst ? "≤ 1.5 × nginx" : null,
                    judgeFirst ? firstP50.get("gateway") <= 1.5 * nginxFirst : null);
            row(prefix + "first frame p99 (ms)", firstP99, null, null);
            row(prefix + "gap p99 beyond " + FRAME_SPACING_MS + " ms (ms)", gapP99, null, null);
            var addedGap = added(gapP99);
            row(prefix + "added gap p99 (ms)", addedGap, last ? "≤ 1" : null, last ? addedGap.get("gateway") <= 1 : null);
            row(prefix + "peak RSS (MiB)", peak, last ? "≤ 300" : null, last ? peak.get("gateway") <= 300 : null);
        }
    }

    /**
     * Heap held per open stream, the JVMs' own figure (RSS hides it: a JVM's heap is
     * committed before it is used). Behind a mock whose streams last 10 s, the live heap
     * is measured by a class histogram (which collects garbage first) before and while
     * {@link #HELD_STREAMS} streams are open at once.
     */
    private void heapPerStream(Services services, String reply) throws Exception {
        progress("heap per open stream: %d streams held open", HELD_STREAMS);
        int slowPort = Services.freePort();
        var slowMock = services.start("slow-mock", slowPort, null, List.of(java, "-Dsun.net.httpserver.maxIdleConnections=20000",
                "-jar", jar.toString(), "mock", "--port", Integer.toString(slowPort), "--reply", reply,
                "--token-delay-ms", Integer.toString(HELD_SPACING_MS)), Map.of());
        var perStream = new LinkedHashMap<String, Double>();
        for (String name : withJdk(gateways())) {
            var proxy = name.equals("jdk") ? startBareProxy(services, "jdk-held", slowPort)
                    : startGateway(services, jarOf(name), name + "-held", "http://127.0.0.1:" + slowPort);
            var load = new StreamLoad(new Target(name, proxy).chat(), API_KEY, FRAMES, Duration.ofSeconds(60));
            load.run(20); // classes loaded and pools made before the first histogram
            long before = proxy.liveHeapBytes(java);
            var running = Thread.ofVirtual().start(() -> {
                try {
                    load.run(HELD_STREAMS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            load.awaitOpen(HELD_STREAMS);
            long during = proxy.liveHeapBytes(java);
            running.join();
            services.stop(proxy);
            perStream.put(name, (during - before) / 1024.0 / HELD_STREAMS);
        }
        services.stop(slowMock);
        row("heap per open stream (KiB)", perStream, null, null);
    }

    /** The gateway in echo mode, beside the bare JDK server answering a fixed completion. */
    private void echo(Services services) throws Exception {
        progress("echo mode at 64 connections: %d s of warm-up, then %d s", 2 * seconds, seconds);
        var rate = new LinkedHashMap<String, Double>();
        var cpu = new LinkedHashMap<String, Double>();
        for (String name : withJdk(gateways())) {
            var echo = name.equals("jdk") ? startBareProxy(services, "jdk-echo", null)
                    : startGateway(services, jarOf(name), name.equals(BEFORE) ? BEFORE + "-echo" : "echo", "");
            var target = new Target(name, echo);
            Wrk.run(target.chat(), 2, 64, 2 * seconds, 0);
            Duration before = echo.cpu();
            Wrk.Result result = Wrk.run(target.chat(), 2, 64, seconds, 0);
            cpu.put(name, echo.cpu().minus(before).toNanos() / 1000.0 / result.requests());
            rate.put(name, result.perSecond());
            services.stop(echo);
        }
        row("echo mode: throughput, 64 connections (req/s)", rate, null, null);
        row("echo mode: CPU per request (µs)", cpu, "≤ 40", cpu.get("gateway") <= 40);
    }

    private void startup(Services services) throws Exception {
        progress("start to first 200 from /healthz, 5 starts");
        var times = new LinkedHashMap<String, List<Double>>();
        for (int i = 0; i < 5; i++) {
            for (String name : gateways()) { // in turns, so that drift hits both alike
                var gateway = startGateway(services, jarOf(name), (name.equals(BEFORE) ? BEFORE + "-" : "") + "start-" + i, "");
                times.computeIfAbsent(name, n -> new ArrayList<>()).add(gateway.startup().toNanos() / 1e6);
                services.stop(gateway);
            }
        }
        var medians = new LinkedHashMap<String, Double>();
        times.forEach((name, values) -> medians.put(name, values.stream().sorted().toList().get(values.size() / 2)));
        var sizes = new LinkedHashMap<String, Double>();
        for (String name : gateways()) {
            sizes.put(name, Files.size(jarOf(name)) / 1024.0);
        }
        row("start to first /healthz 200, median (ms)", medians, "≤ 500", medians.get("gateway") <= 500);
        row("jar size (KiB)", sizes, null, null);
    }

    private static List<String> withJdk(List<String> gateways) {
        var names = new ArrayList<>(List.of("jdk"));
        names.addAll(gateways);
        return names;
    }

    /** Each target's figure minus the direct one. */
    private static Map<String, Double> added(Map<String, Double> figures) {
        var added = new LinkedHashMap<String, Double>();
        figures.forEach((name, value) -> {
            if (!name.equals("direct")) {
                added.put(name, value - figures.get("direct"));
            }
        });
        return added;
    }

    private static double percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }

    private void row(String metric, Map<String, Double> values, String goal, Boolean met) {
        rows.add(new Row(metric, values, goal, goal == null ? null : met));
    }

    private static void progress(String format, Object... args) {
        System.out.printf("- " + format + "%n", args);
    }

    /** Samples a service's resident memory every 20 ms on its own thread and keeps the highest. */
    private static final class PeakSampler {
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;

        PeakSampler(Services.Service service) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(service.rssKiB(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        long stop() throws InterruptedException {
            thread.interrupt();
            thread.join();
            return peak.get();
        }
    }

    private void report() throws IOException {
        var columns = new ArrayList<>(List.of("direct", "nginx", "jdk"));
        columns.addAll(gateways());
        var header = new StringBuilder(String.format("%-52s", ""));
        columns.forEach(column -> header.append(String.format(" %10s", column)));
        header.append(String.format("   %-15s", "target"));
        var table = new StringBuilder(header.toString().stripTrailing()).append('\n');
        for (Row row : rows) {
            var line = new StringBuilder(String.format("%-52s", row.metric()));
            for (String column : columns) {
                line.append(String.format(" %10s", format(row.values().get(column))));
            }
            if (row.goal() != null) {
                line.append(String.format("   %-15s %s", row.goal(), row.met() == null ? "n/a" : row.met() ? "met" : "MISSED"));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        String machine = String.format("%s, JDK %s, %d cores, %s, %d s per load phase%n"
                + "jdk: the bare JDK stack (HttpServer and HttpClient on virtual threads copying bytes, no logic;%n"
                + "     for echo mode, HttpServer answering a fixed completion)%s",
                LocalDate.now(), Runtime.version(), Runtime.getRuntime().availableProcessors(), JAVA_OPTS, seconds,
                baselineJar == null ? "" : String.format("%nbefore: the gateway of %s, same settings; gateway: %s; targets judge the gateway",
                        baselineJar, jar));
        System.out.println();
        System.out.println(machine);
        System.out.print(table);
        Files.writeString(folder.resolve("results.txt"), machine + "\n" + table);
        Path json = folder.resolve("results.json");
        Files.writeString(json, toJson(machine).toJson() + "\n", StandardCharsets.UTF_8);
        System.out.println("\nwritten to " + json + " and results.txt");
    }

    private JsonObject toJson(String machine) {
        var list = new ArrayList<JsonValue>();
        for (Row row : rows) {
            var values = JsonObject.builder();
            row.values().forEach((name, value) -> values.put(name, value == null || value.isNaN() ? JsonNull.INSTANCE : JsonNumber.of(value)));
            list.add(JsonObject.builder().put("metric", row.metric()).put("values", values.build())
                    .put("target", row.goal()).put("met", row.met() == null ? JsonNull.INSTANCE : JsonBoolean.of(row.met()))
                    .build());
        }
        return JsonObject.builder().put("run", machine).put("rows", new JsonArray(list)).build();
    }

    private static String format(Double value) {
        if (value == null || value.isNaN()) {
            return value == null ? "" : "-";
        }
        double magnitude = Math.abs(value);
        return magnitude >= 100 ? String.format("%.0f", value) : magnitude >= 10 ? String.format("%.1f", value)
                : String.format("%.2f", value);
    }
}
