import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;

/**
 * The benchmark behind {@code scripts/bench.sh}. It starts the columns of {@link Lineup}
 * (the mock backend, nginx when installed, the bare JDK stack, and the gateway with one
 * backend, with two, and with OTLP export) and runs the same workloads through each, in one
 * run: whole replies at 64 and 8 connections and one at a time (with wrk), a 1 MiB body,
 * concurrent streams and the heap per open stream ({@link StreamPhases}), echo mode and the
 * gateway's start. {@link Report} prints one table, with the targets beside the
 * figures they judge, and writes the same as JSON.
 *
 * <p>A busy machine makes some requests and streams fail. Each phase reports that and the run
 * goes on: a figure measured in part carries a note, a phase that could not measure for a
 * column leaves its cell empty with the reason, and the exit status is 1 when any did.
 *
 * <p>When the environment variable {@code BASELINE_JAR} names another gateway jar (the
 * gateway before a change), that jar runs too, set up as "gateway", in a column named
 * "before", in every row that measures the gateway: one run then shows the change's
 * effect, both measured on the same machine at the same time.
 *
 * <p>usage: {@code Bench JAR FOLDER [SECONDS]}, SECONDS being the length of each load
 * phase (default 10).
 */
public final class Bench {
    static final int FRAMES = 20;
    static final int FRAME_SPACING_MS = 50;
    static final String API_KEY = "bench-key";
    /** The gateway's JVM flags: scripts/bench.sh passes the ones scripts/run.sh uses. */
    static final List<String> JAVA_OPTS = Arrays.stream(System.getenv().getOrDefault("GATEWAY_JAVA_OPTS", "-Xmx376m").trim().split("\\s+"))
            .filter(flag -> !flag.isEmpty()).toList();
    /** Short rounds of one request at a time, taken in turns so that drift hits every column alike. */
    static final int ROUNDS = 5;
    /** Rounds of whole replies at 64 connections, taken in turns likewise: the phase's seconds split among them. */
    static final int THROUGHPUT_ROUNDS = 3;
    /** Rounds of 1 MiB bodies: fewer, as no target rests on them and a round is one wrk run per column. */
    static final int LARGE_ROUNDS = 3;
    /** Starts of the gateway, to take their median. */
    static final int STARTS = 5;

    private final Path jar;
    private final Path baselineJar;
    private final Path folder;
    private final int seconds;
    private final Report report;
    private final String started = LocalDate.now().toString();
    private Lineup lineup;
    private List<Lineup.Target> targets = List.of();
    private final List<String> skipped = new ArrayList<>();

    private Bench(Path jar, Path baselineJar, Path folder, int seconds) {
        this.jar = jar;
        this.baselineJar = baselineJar;
        this.folder = folder;
        this.seconds = seconds;
        this.report = new Report(Lineup.columns(baselineJar != null));
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
        } catch (Exception e) {
            // A fault of the benchmark itself rather than of one phase: still report what was measured.
            bench.report.failed("run", "-", Report.reason(e));
        }
        bench.report.write(bench.folder, bench.header());
        System.exit(bench.report.exitStatus());
    }

    private void run(Services services) throws Exception {
        lineup = new Lineup(report, services, jar, baselineJar, folder);
        targets = lineup.startAll();
        boolean wrk = Wrk.installed();
        if (wrk) {
            warmUp();
            throughput();
            latency();
            sequential();
            largeBody();
        } else {
            skipped.add("wrk is not installed: whole replies and echo mode are not measured (apt-get install wrk)");
        }
        if (!Nginx.installed()) {
            skipped.add("nginx is not installed: its column stays empty (apt-get install nginx)");
        }
        var streams = new StreamPhases(report, lineup, targets);
        streams.concurrent();
        streams.heapPerStream();
        if (wrk) {
            echo(services);
        }
        new Startup(report, lineup, folder).measure(services, echoColumns(), STARTS);
    }

    /** The JIT needs long on two busy cores: the JVMs (and the mocks behind them) warm up three times as long. */
    private void warmUp() throws InterruptedException {
        progress("warming up: %d s per column, %d s for the JVM proxies", seconds, 3 * seconds);
        for (Lineup.Target target : lineup.alive(targets, "warm-up")) {
            boolean jvm = !target.name().equals(Lineup.DIRECT) && !target.name().equals(Lineup.NGINX);
            try {
                Wrk.Result result = Wrk.run(target.chat(), 2, 64, jvm ? 3 * seconds : seconds, 0);
                if (result.errors() > 0) {
                    report.partial("warm-up", target.name(), result.failures());
                }
            } catch (IOException e) {
                report.partial("warm-up", target.name(), Report.reason(e)); // no figure comes from it
            }
        }
    }

    /**
     * Whole replies at 64 connections, in {@link #THROUGHPUT_ROUNDS} rounds (after one that is
     * not counted) with the columns taking turns in a rotating order, each column's figures the
     * medians of its rounds. Measured once per column, one after another, the three gateways
     * drifted by ±20 µs of CPU per request in one run (traced, which does the most, came out
     * cheapest), more than the routing and export costs the phase judges.
     */
    private void throughput() throws InterruptedException {
        String phase = "64 connections";
        int rounds = Math.min(THROUGHPUT_ROUNDS, seconds);
        progress("whole replies at 64 connections: %d rounds of %d s after one not counted, the columns taking turns",
                rounds, seconds / rounds);
        var rates = new LinkedHashMap<String, List<Double>>();
        var cpus = new LinkedHashMap<String, List<Double>>();
        // Round -1 is not counted: a JVM idle for minutes since its warm-up ran its first seconds
        // at up to twice the CPU per request (one run: jdk 280, then 151 and 135 µs).
        for (int round = -1; round < rounds; round++) {
            List<Lineup.Target> alive = lineup.alive(targets, phase);
            for (int i = 0; i < alive.size(); i++) {
                // Each round starts one column later: no column always runs right after the same one.
                Lineup.Target target = alive.get((i + round + 1) % alive.size());
                Duration before = target.service().cpu();
                Optional<Wrk.Result> result = wrk(phase, target, 64, seconds / rounds, 0);
                Duration used = target.service().cpu().minus(before);
                if (result.isEmpty() || round < 0) {
                    continue;
                }
                rates.computeIfAbsent(target.name(), n -> new ArrayList<>()).add(result.get().perSecond());
                if (!target.service().process().isAlive() || !used.isPositive()) {
                    report.failed(phase, target.name(), "no CPU time: the process ended during the phase");
                } else {
                    cpus.computeIfAbsent(target.name(), n -> new ArrayList<>()).add(used.toNanos() / 1000.0 / result.get().requests());
                }
            }
        }
        // Each round's figure too: the spread within a column is the run's noise, a gap between
        // columns with the same code (routed against gateway) the noise between two JVMs.
        progress("  CPU per request in each round (µs): %s", cpus.entrySet().stream()
                .map(column -> column.getKey() + " " + column.getValue().stream()
                        .map(micros -> String.format("%.0f", micros)).collect(Collectors.joining("/")))
                .collect(Collectors.joining(", ")));
        var rate = medians(rates);
        var cpu = medians(cpus);
        report.row("throughput, 64 connections (req/s)", phase, rate);
        report.row("throughput ÷ nginx's (%)", phase, ratio(rate, Lineup.NGINX, 100), traced("≥ 40", v -> v >= 40));
        report.row("throughput ÷ jdk's (%)", phase, ratio(rate, Lineup.JDK, 100), traced("≥ 85", v -> v >= 85));
        report.row("CPU per request (µs)", phase, cpu);
        report.row("CPU per request ÷ jdk's (×)", phase, ratio(cpu, Lineup.JDK, 1), traced("≤ 1.2", v -> v <= 1.2));
        report.row("CPU added by routing: routed − gateway (µs)", phase, difference(cpu, Lineup.ROUTED, Lineup.GATEWAY),
                new Report.Target("≤ 5", Lineup.ROUTED, v -> v <= 5));
        report.row("CPU added by OTLP export: traced − routed (µs)", phase,
                difference(cpu, Lineup.TRACED, Lineup.ROUTED), traced("≤ 5", v -> v <= 5));
    }

    private void latency() throws InterruptedException {
        String phase = "8 connections";
        progress("latency at 8 connections, %d s each", seconds);
        var p50 = new LinkedHashMap<String, Double>();
        var p99 = new LinkedHashMap<String, Double>();
        for (Lineup.Target target : lineup.alive(targets, phase)) {
            wrk(phase, target, 8, seconds, 0).ifPresent(result -> {
                p50.put(target.name(), result.p50Micros() / 1000.0);
                p99.put(target.name(), result.p99Micros() / 1000.0);
            });
        }
        report.row("latency p50, 8 connections (ms)", phase, p50);
        report.row("latency p99, 8 connections (ms)", phase, p99);
        report.row("added p50, 8 connections (ms)", phase, added(p50), traced("≤ 0.5", v -> v <= 0.5));
        report.row("added p99, 8 connections (ms)", phase, added(p99));
        // "No latency" has no threshold to judge: the figure is shown beside the words.
        report.row("p50 added by OTLP export: traced − routed (ms)", phase,
                difference(p50, Lineup.TRACED, Lineup.ROUTED), traced("no latency", null));
    }

    private void sequential() throws InterruptedException {
        String phase = "one at a time";
        progress("one request at a time, %d rounds", ROUNDS);
        var median = roundsMedianP50(phase, ROUNDS, 0);
        report.row("one at a time, p50 (µs)", phase, median);
        report.row("one at a time, added p50 (µs)", phase, added(median), traced("≤ 150", v -> v <= 150));
    }

    private void largeBody() throws InterruptedException {
        String phase = "1 MiB body";
        progress("1 MiB request bodies, one at a time, %d rounds", LARGE_ROUNDS);
        var added = added(roundsMedianP50(phase, LARGE_ROUNDS, 1 << 20));
        added.replaceAll((name, micros) -> micros / 1000.0);
        report.row("1 MiB body, added p50 (ms)", phase, added);
    }

    /**
     * The median p50 of {@code count} short rounds of one request at a time per column. A
     * round that failed is left out of the median and noted; a column with no round left has
     * no figure.
     */
    private Map<String, Double> roundsMedianP50(String phase, int count, int padBytes) throws InterruptedException {
        int roundSeconds = Math.max(1, seconds / ROUNDS);
        var rounds = new LinkedHashMap<String, List<Double>>();
        var problems = new LinkedHashMap<String, List<String>>();
        List<Lineup.Target> alive = lineup.alive(targets, phase);
        for (int round = 0; round < count; round++) {
            for (Lineup.Target target : alive) {
                var mine = problems.computeIfAbsent(target.name(), n -> new ArrayList<>());
                try {
                    Wrk.Result result = Wrk.run(target.chat(), 1, 1, roundSeconds, padBytes);
                    if (result.succeeded() > 0) {
                        rounds.computeIfAbsent(target.name(), n -> new ArrayList<>()).add((double) result.p50Micros());
                    }
                    if (result.errors() > 0) {
                        mine.add(result.failures());
                    }
                } catch (IOException e) {
                    mine.add(Report.reason(e));
                }
            }
        }
        problems.forEach((name, list) -> {
            int measured = rounds.getOrDefault(name, List.of()).size();
            String text = list.size() + " of " + count + " rounds had failures; first: " + (list.isEmpty() ? "" : list.getFirst());
            if (measured == 0) {
                report.failed(phase, name, text);
            } else if (!list.isEmpty()) {
                report.partial(phase, name, text);
            }
        });
        return medians(rounds);
    }

    /** The gateway in echo mode, beside the bare JDK server answering a fixed completion (the echo floor). */
    private void echo(Services services) throws InterruptedException {
        String phase = "echo mode";
        // A fresh JVM each: warmed as long as the proxies were (see warmUp), or its figure is the JIT's, not the gateway's.
        progress("echo mode at 64 connections: %d s of warm-up, then %d s", 3 * seconds, seconds);
        var rate = new LinkedHashMap<String, Double>();
        var cpu = new LinkedHashMap<String, Double>();
        for (String name : withJdk(echoColumns())) {
            Optional<Services.Service> echo = report.attempt(phase, name, () -> name.equals(Lineup.JDK)
                    ? lineup.bareProxy("jdk-echo", null)
                    : lineup.gateway(lineup.jarOf(name), name + "-echo", List.of(), false));
            if (echo.isEmpty()) {
                continue;
            }
            try {
                var target = new Lineup.Target(name, echo.get());
                Wrk.run(target.chat(), 2, 64, 3 * seconds, 0); // warm-up
                Duration before = echo.get().cpu();
                Optional<Wrk.Result> result = wrk(phase, target, 64, seconds, 0);
                Duration used = echo.get().cpu().minus(before);
                result.ifPresent(r -> {
                    rate.put(name, r.perSecond());
                    cpu.put(name, used.toNanos() / 1000.0 / r.requests());
                });
            } catch (IOException e) {
                report.failed(phase, name, "warm-up: " + Report.reason(e));
            } finally {
                services.stop(echo.get());
            }
        }
        report.row("echo mode: throughput, 64 connections (req/s)", phase, rate);
        report.row("echo mode: CPU per request (µs)", phase, cpu);
        report.row("echo mode: CPU per request ÷ jdk's (×)", phase, ratio(cpu, Lineup.JDK, 1),
                new Report.Target("≤ 1.25", Lineup.GATEWAY, v -> v <= 1.25));
    }

    /** Echo mode has no backend, so routing and its traced twin have nothing to add there. */
    private List<String> echoColumns() {
        return baselineJar == null ? List.of(Lineup.GATEWAY) : List.of(Lineup.BEFORE, Lineup.GATEWAY);
    }

    /**
     * wrk through one column. Requests that failed make the figure partial (noted); a run
     * without one successful request, or without a result at all, gives no figure.
     */
    private Optional<Wrk.Result> wrk(String phase, Lineup.Target target, int connections, int seconds, int padBytes)
            throws InterruptedException {
        Optional<Wrk.Result> result = report.attempt(phase, target.name(),
                () -> Wrk.run(target.chat(), Math.min(2, connections), connections, seconds, padBytes));
        if (result.isPresent() && result.get().succeeded() <= 0) {
            report.failed(phase, target.name(), "no request succeeded: " + result.get().failures());
            return Optional.empty();
        }
        result.filter(r -> r.errors() > 0).ifPresent(r -> report.partial(phase, target.name(), r.failures()));
        return result;
    }

    /** Most targets judge the gateway with every feature on. */
    private static Report.Target traced(String text, DoublePredicate test) {
        return new Report.Target(text, Lineup.TRACED, test);
    }

    private static List<String> withJdk(List<String> gateways) {
        var names = new ArrayList<>(List.of(Lineup.JDK));
        names.addAll(gateways);
        return names;
    }

    /** Each column's figure minus the direct one: what the proxy adds. */
    static Map<String, Double> added(Map<String, Double> figures) {
        return above(figures, Lineup.DIRECT);
    }

    /** Each column's figure (direct's and the reference's aside) minus the reference's; none without it. */
    static Map<String, Double> above(Map<String, Double> figures, String reference) {
        var above = new LinkedHashMap<String, Double>();
        Double base = figures.get(reference);
        figures.forEach((name, value) -> {
            if (base != null && !name.equals(Lineup.DIRECT) && !name.equals(reference)) {
                above.put(name, value - base);
            }
        });
        return above;
    }

    /** Each column's figure (direct's and the reference's aside) divided by the reference's, times {@code scale}. */
    static Map<String, Double> ratio(Map<String, Double> figures, String reference, double scale) {
        var ratios = new LinkedHashMap<String, Double>();
        Double base = figures.get(reference);
        figures.forEach((name, value) -> {
            if (base != null && base > 0 && !name.equals(Lineup.DIRECT) && !name.equals(reference)) {
                ratios.put(name, scale * value / base);
            }
        });
        return ratios;
    }

    /** One column's figure minus another's, shown in the first column. */
    private static Map<String, Double> difference(Map<String, Double> figures, String column, String minus) {
        var difference = new LinkedHashMap<String, Double>();
        if (figures.containsKey(column) && figures.containsKey(minus)) {
            difference.put(column, figures.get(column) - figures.get(minus));
        }
        return difference;
    }

    /** Each column's median: of its rounds, or of its starts. */
    static Map<String, Double> medians(Map<String, List<Double>> figures) {
        var medians = new LinkedHashMap<String, Double>();
        figures.forEach((name, values) -> medians.put(name, values.stream().sorted().toList().get(values.size() / 2)));
        return medians;
    }

    /** When the run began, for the minutes and seconds each progress line shows. */
    private static final long BEGAN = System.nanoTime();

    static void progress(String format, Object... args) {
        long seconds = (System.nanoTime() - BEGAN) / 1_000_000_000L;
        System.out.printf("- %d:%02d %s%n", seconds / 60, seconds % 60, String.format(format, args));
    }

    private String header() {
        var text = new StringBuilder(String.format("%s, JDK %s, %d cores, %s, %d s per load phase%n", started,
                Runtime.version(), Runtime.getRuntime().availableProcessors(), String.join(" ", JAVA_OPTS), seconds));
        text.append("""
                jdk:     the bare JDK stack (HttpServer and HttpClient on virtual threads copying bytes, no logic;
                         in echo mode, HttpServer answering a fixed completion): the floor
                gateway: one backend, an API key, a rate limit, a log file, metrics
                routed:  the same over two backends (least-loaded), both the one mock
                """);
        text.append(String.format("traced:  routed, plus OTLP export of every request's spans to a collector %s%n",
                Lineup.COLLECTOR.equals("hang") ? "that never answers" : "that answers at once"));
        if (baselineJar != null) {
            text.append(String.format("before:  the gateway of %s, set up as gateway; gateway: %s%n", baselineJar, jar));
        }
        if (!Lineup.MOCK_FAULTS.isEmpty()) {
            text.append(String.format("faults injected into every mock: %s%n", Lineup.MOCK_FAULTS));
        }
        skipped.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }
}
