import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoublePredicate;

/**
 * The streaming phases: many streams at once through every column ({@link StreamLoad}
 * detects lost and reordered frames), with each proxy's peak resident memory, then the heap
 * each open stream holds. Streams that fail are counted, not thrown: on a busy machine a
 * few time out or meet a 504, and the table says so.
 */
final class StreamPhases {
    static final List<Integer> COUNTS = List.of(100, 1_000, 5_000);
    /** Streams of each of the two batches held open while the heap is measured, and the spacing that keeps them open (10 s). */
    static final int HELD_STREAMS = 500;
    static final int HELD_SPACING_MS = 500;
    /** A stream's connect and read timeout: far beyond a frame's spacing, so only a stuck stream meets it. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Report report;
    private final Lineup lineup;
    private final List<Lineup.Target> targets;

    StreamPhases(Report report, Lineup lineup, List<Lineup.Target> targets) {
        this.report = report;
        this.lineup = lineup;
        this.targets = targets;
    }

    /** 100, 1,000 and 5,000 streams at once through each column in turn, after a warm-up. */
    void concurrent() throws InterruptedException {
        var load = new LinkedHashMap<String, StreamLoad>();
        targets.forEach(t -> load.put(t.name(), new StreamLoad(t.chat(), Bench.API_KEY, Bench.FRAMES, TIMEOUT)));
        Bench.progress("warming up the streaming path: 1000 streams per column");
        for (Lineup.Target target : lineup.alive(targets, "warm-up")) {
            StreamLoad.Result result = load.get(target.name()).run(1_000);
            if (!result.failures().isEmpty()) {
                report.partial("warm-up", target.name(), "streams: " + result.failureSummary());
            }
        }
        for (int count : COUNTS) {
            Bench.progress("%d concurrent streams of %d frames %d ms apart", count, Bench.FRAMES, Bench.FRAME_SPACING_MS);
            measure(count, load);
        }
    }

    private void measure(int count, Map<String, StreamLoad> load) throws InterruptedException {
        String phase = count + " streams";
        var completed = new LinkedHashMap<String, Double>();
        var turnedAway = new LinkedHashMap<String, Double>();
        var failed = new LinkedHashMap<String, Double>();
        var broken = new LinkedHashMap<String, Double>();
        var firstP50 = new LinkedHashMap<String, Double>();
        var firstP99 = new LinkedHashMap<String, Double>();
        var gapP99 = new LinkedHashMap<String, Double>();
        var peak = new LinkedHashMap<String, Double>();
        for (Lineup.Target target : lineup.alive(targets, phase)) {
            String name = target.name();
            boolean proxy = !name.equals(Lineup.DIRECT); // the mock's own memory is not the question
            var sampler = proxy ? new PeakSampler(target.service()) : null;
            StreamLoad.Result result = load.get(name).run(count);
            completed.put(name, (double) result.completed());
            turnedAway.put(name, (double) result.overloaded());
            failed.put(name, (double) result.failures().size());
            broken.put(name, (double) (result.lost() + result.reordered()));
            firstP50.put(name, percentile(result.firstFrame(), 50) / 1e6);
            firstP99.put(name, percentile(result.firstFrame(), 99) / 1e6);
            gapP99.put(name, percentile(result.gaps(), 99) / 1e6 - Bench.FRAME_SPACING_MS);
            noteFailures(phase, name, result);
            if (proxy) {
                sampler.stop(report, phase, name).ifPresent(kib -> peak.put(name, kib / 1024.0));
            }
        }
        boolean last = count == COUNTS.getLast();
        String prefix = phase + ": ";
        report.row(prefix + "completed", phase, completed, last ? target("all", v -> v == count) : null);
        report.row(prefix + "turned away (503 overloaded)", phase, turnedAway);
        report.row(prefix + "failed (timeout, error, cut)", phase, failed);
        report.row(prefix + "frames lost or reordered", phase, broken, last ? target("0", v -> v == 0) : null);
        report.row(prefix + "first frame p50 (ms)", phase, firstP50);
        report.row(prefix + "first frame p99 (ms)", phase, firstP99);
        report.row(prefix + "gap p99 beyond " + Bench.FRAME_SPACING_MS + " ms (ms)", phase, gapP99);
        report.row(prefix + "added gap p99 (ms)", phase, Bench.above(gapP99, Lineup.DIRECT));
        if (count == 1_000) {
            // The issue asks for the added gap ≤ 2 × nginx's. Added to "direct", nginx's gap is
            // often below zero (the client reading the mock directly competes with it for the
            // two cores; a proxy spaces the reads out), which makes a ratio of added gaps
            // meaningless, so the ratio is of the gaps beyond the frames' spacing.
            report.row(prefix + "gap p99 beyond spacing ÷ nginx's (×)", phase, Bench.ratio(gapP99, Lineup.NGINX, 1),
                    target("≤ 2", v -> v <= 2));
        }
        report.row(prefix + "peak RSS (MiB)", phase, peak, last ? target("≤ 512", v -> v <= 512) : null);
    }

    /** Streams that failed (503s are counted apart): a note; none delivering a frame: no figure. */
    private void noteFailures(String phase, String name, StreamLoad.Result result) {
        if (result.failures().isEmpty()) {
            return;
        }
        String summary = result.completed() + "/" + result.streams() + " completed, " + result.failureSummary()
                + "; first: " + result.failures().getFirst();
        if (result.firstFrame().length == 0) {
            report.failed(phase, name, "no stream delivered a frame: " + summary);
        } else {
            report.partial(phase, name, summary);
        }
    }

    /**
     * Heap held per open stream, the JVMs' own figure (RSS hides it: a JVM's heap is
     * committed before it is used). Behind a mock whose streams last 10 s, the live heap is
     * measured by a class histogram (which collects garbage first) with {@link #HELD_STREAMS}
     * open, then again with twice as many: the heap per stream is the slope between the two.
     * Classes, pools and buffers that a proxy makes once are in both histograms, so no
     * warm-up is needed, and half the streams open at a time, which the mock's accept queue
     * takes without dropping connections. One proxy after another: their streams drain
     * while the next is measured.
     */
    void heapPerStream() throws InterruptedException {
        String phase = "heap per open stream";
        Bench.progress("heap per open stream: %d, then %d streams held open in each JVM proxy", HELD_STREAMS,
                2 * HELD_STREAMS);
        var columns = new ArrayList<>(List.of(Lineup.JDK));
        columns.addAll(lineup.gateways());
        var held = new ArrayList<Services.Service>();
        Optional<Services.Service> mock = Optional.empty();
        var draining = new LinkedHashMap<String, Held>();
        var perStream = new LinkedHashMap<String, Double>();
        try {
            mock = report.attempt(phase, "slow-mock", () -> lineup.mock("slow-mock", HELD_SPACING_MS));
            if (mock.isEmpty()) {
                columns.forEach(column -> report.failed(phase, column, "the slow mock did not start"));
                return;
            }
            int port = mock.get().port();
            for (String column : columns) {
                Bench.progress("  %s", column);
                Optional<Services.Service> proxy = report.attempt(phase, column,
                        () -> lineup.proxy(column, column + "-held", port));
                if (proxy.isPresent()) {
                    held.add(proxy.get());
                    var measured = new Held(proxy.get());
                    draining.put(column, measured);
                    report.attempt(phase, column, measured::measure).ifPresent(kib -> perStream.put(column, kib));
                }
            }
            for (var entry : draining.entrySet()) {
                entry.getValue().finish().ifPresent(text -> report.partial(phase, entry.getKey(), text));
            }
        } finally {
            lineup.services().stop(held);
            mock.ifPresent(lineup.services()::stop);
        }
        report.row("heap per open stream (KiB)", phase, perStream);
        report.row("heap per open stream above jdk's (KiB)", phase, Bench.above(perStream, Lineup.JDK));
    }

    /** Two batches of held streams through one proxy, and the live heap after each has opened. */
    private final class Held {
        private final Services.Service proxy;
        private final StreamLoad load;
        private StreamLoad.Running first;
        private StreamLoad.Running second;
        private Opened atFirst = new Opened(0, 0);
        private Opened atSecond = new Opened(0, 0);

        Held(Services.Service proxy) {
            this.proxy = proxy;
            this.load = new StreamLoad(new Lineup.Target(proxy.name(), proxy).chat(), Bench.API_KEY, Bench.FRAMES, TIMEOUT);
        }

        /** KiB of live heap per stream opened by the second batch. */
        double measure() throws Exception {
            first = load.start(HELD_STREAMS);
            int before = first.awaitOpen(TIMEOUT);
            long heapFirst = proxy.liveHeapBytes(lineup.java());
            atFirst = new Opened(before, first.openNow());
            second = load.start(HELD_STREAMS);
            second.awaitOpen(TIMEOUT);
            int open = first.openNow() + second.openNow();
            long heapSecond = proxy.liveHeapBytes(lineup.java());
            atSecond = new Opened(open, first.openNow() + second.openNow());
            double added = atSecond.mean() - atFirst.mean();
            if (added <= 0) {
                throw new IllegalStateException("the second batch opened no stream: open at the histograms "
                        + atFirst + ", then " + atSecond);
            }
            return (heapSecond - heapFirst) / 1024.0 / added;
        }

        /** Waits for the streams to end; what went wrong with them, if anything. */
        Optional<String> finish() throws InterruptedException {
            var failures = new ArrayList<String>();
            for (StreamLoad.Running batch : new StreamLoad.Running[] {first, second}) {
                if (batch != null) {
                    failures.addAll(batch.finish().failures());
                }
            }
            // Streams that close during the second histogram have come to their end: the mean count covers them.
            boolean all = atFirst.before() == HELD_STREAMS && atSecond.before() == 2 * HELD_STREAMS;
            if (all && failures.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("open at the histograms: " + atFirst + " of " + HELD_STREAMS + ", then " + atSecond
                    + " of " + 2 * HELD_STREAMS + (failures.isEmpty() ? "" : "; " + StreamLoad.summary(failures)));
        }
    }

    /** Streams open just before and just after a class histogram that counted their heap. */
    private record Opened(int before, int after) {
        /** The histogram's collection falls between the two counts. */
        double mean() {
            return (before + after) / 2.0;
        }

        @Override
        public String toString() {
            return before == after ? Integer.toString(before) : before + " (" + after + " after it)";
        }
    }

    private static Report.Target target(String text, DoublePredicate test) {
        return new Report.Target(text, Lineup.TRACED, test);
    }

    static double percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }

    /**
     * Samples a service's resident memory every 20 ms on its own thread and keeps the
     * highest. A sample of 0 means /proc had no figure (the process had ended).
     */
    private static final class PeakSampler {
        private final Services.Service service;
        private final AtomicLong peak = new AtomicLong();
        private final AtomicInteger samples = new AtomicInteger();
        private final Thread thread;

        PeakSampler(Services.Service service) {
            this.service = service;
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    long kib = service.rssKiB();
                    if (kib > 0) {
                        peak.accumulateAndGet(kib, Math::max);
                        samples.incrementAndGet();
                    }
                    try {
                        Thread.sleep(20); // the sampling interval
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        /** The peak in KiB; empty, with the reason noted, when the process ended or was never sampled. */
        Optional<Long> stop(Report report, String phase, String column) throws InterruptedException {
            thread.interrupt();
            thread.join();
            if (!service.process().isAlive()) {
                report.failed(phase, column, "no peak RSS: " + Lineup.ended(service));
                return Optional.empty();
            }
            if (samples.get() == 0) {
                report.failed(phase, column, "no RSS sample: /proc/" + service.process().pid() + "/status had no VmRSS");
                return Optional.empty();
            }
            return Optional.of(peak.get());
        }
    }
}
