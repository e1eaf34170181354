import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The start-up phase: how long from starting an echo gateway's JVM to its first 200 from
 * {@code /healthz}, the way {@code scripts/run.sh} starts it: from the jar's class-data archive,
 * made first by {@code scripts/train.sh}, and also without one, as a first start goes. Each
 * gateway column (the baseline's too) gets an archive of its own jar; starts take turns, so
 * that drift hits every column and both ways alike.
 */
final class Startup {
    private static final String PHASE = "start-up";
    /** The JVM's log to stderr, as run.sh has it: the gateway's stdout is its JSON log. */
    private static final List<String> JVM_LOG = List.of("-Xlog:disable", "-Xlog:all=warning:stderr");

    private final Report report;
    private final Lineup lineup;
    private final Path folder;

    Startup(Report report, Lineup lineup, Path folder) {
        this.report = report;
        this.lineup = lineup;
        this.folder = folder;
    }

    void measure(Services services, List<String> columns, int starts) throws Exception {
        Bench.progress("start to first 200 from /healthz: a class-data archive per jar, then %d starts with it and without", starts);
        var archiveFlags = new LinkedHashMap<String, List<String>>();
        for (String column : columns) {
            report.attempt(PHASE, column, () -> train(column)).ifPresent(flags -> archiveFlags.put(column, flags));
        }
        var cold = new LinkedHashMap<String, List<Double>>();
        var cached = new LinkedHashMap<String, List<Double>>();
        for (int i = 0; i < starts; i++) {
            for (String column : columns) {
                start(services, column, column + "-start-" + i, JVM_LOG, cold);
                if (archiveFlags.containsKey(column)) {
                    start(services, column, column + "-cached-start-" + i, archiveFlags.get(column), cached);
                }
            }
        }
        var sizes = new LinkedHashMap<String, Double>();
        for (String column : columns) {
            sizes.put(column, Files.size(lineup.jarOf(column)) / 1024.0);
        }
        report.row("start to first /healthz 200, median (ms)", PHASE, Bench.medians(cached),
                new Report.Target("≤ 300", Lineup.GATEWAY, v -> v <= 300));
        report.row("the same without a class-data archive, median (ms)", PHASE, Bench.medians(cold));
        report.row("jar size (KiB)", PHASE, sizes);
    }

    /** Makes the class-data archive of the column's jar with its JVM flags; returns the flags that use it. */
    private List<String> train(String column) throws IOException, InterruptedException {
        Path cache = folder.resolve("cache").resolve(column + ".jsa");
        Files.createDirectories(cache.getParent());
        Files.deleteIfExists(cache);
        var command = new ArrayList<>(List.of("scripts/train.sh", lineup.java(), lineup.jarOf(column).toString(), cache.toString()));
        command.addAll(Bench.JAVA_OPTS);
        Path log = folder.resolve(column + "-train.out");
        int status = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
        if (status != 0) {
            throw new IOException("scripts/train.sh failed (exit " + status + "; see " + log.getFileName() + ")");
        }
        var flags = new ArrayList<>(JVM_LOG);
        flags.add("-XX:SharedArchiveFile=" + cache);
        return flags;
    }

    private void start(Services services, String column, String name, List<String> flags, Map<String, List<Double>> times)
            throws InterruptedException {
        report.attempt(PHASE, column, () -> lineup.echoGateway(lineup.jarOf(column), name, flags)).ifPresent(gateway -> {
            times.computeIfAbsent(column, c -> new ArrayList<>()).add(gateway.startup().toNanos() / 1e6);
            services.stop(gateway);
        });
    }
}
