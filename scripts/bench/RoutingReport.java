import gateway.json.JsonArray;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The routing benchmark's results: one table row per (load, policy), notes on anything that
 * does not add up, the targets printed as MET or MISSED, and the same as
 * {@code routing.json} and {@code routing.txt}.
 */
final class RoutingReport {
    /** Target (i): prefix affinity recomputes at most this share of what round robin recomputes. */
    static final double RECOMPUTE_FACTOR = 0.3;
    /** Target (iii): under one hot prefix, the busiest backend takes at most this times the mean share. */
    static final double SPREAD_FACTOR = 1.25;
    static final double MEAN_SHARE = 1.0 / Fleet.BACKENDS.size();

    /** One target: what it asks, the figures that decide it, and whether they meet it. */
    record Target(String name, String figures, boolean met) {
    }

    private static final String COLUMNS = "%-16s %-12s %8s %8s %9s %9s %8s %9s %7s %9s %9s %4s  %s%n";
    private static final String ROW = "%-16s %-12s %8d %7.1f%% %9.1f %9.1f %8.3f %9.3f %7s %9.1f %9.1f %4d  %s%n";

    private final List<RoutingBench.Phase> phases;
    private final Duration length;
    /** The lowest multi-turn recompute ratio on this mock (NaN when it could not be measured): see {@link RoutingBench#measureFloor}. */
    private final double floor;
    /** Phases that could not measure, one line each: they have no row, and the run's exit status is 1. */
    private final List<String> failures;

    RoutingReport(List<RoutingBench.Phase> phases, Duration length, double floor, List<String> failures) {
        this.phases = phases;
        this.length = length;
        this.floor = floor;
        this.failures = List.copyOf(failures);
    }

    void print(Path folder) throws IOException {
        String text = header() + "\n" + table() + "\n" + legend() + notes() + "\ntargets\n" + targetLines()
                + (failures.isEmpty() ? "" : "\ncould not measure (so the exit status is 1):\n  "
                        + String.join("\n  ", failures) + "\n");
        System.out.println();
        System.out.print(text);
        Files.writeString(folder.resolve("routing.txt"), text);
        Path json = folder.resolve("routing.json");
        Files.writeString(json, json().toJson() + "\n", StandardCharsets.UTF_8);
        System.out.println("\nwritten to " + json + " and routing.txt; logs in " + folder.resolve("routing"));
    }

    private String header() {
        return String.format("%s, JDK %s, %d cores, gateway %s, at most %d s per phase%n"
                + "3 mocks: %d slots, prefix cache %d tokens, prefill %d µs per uncached token, %d ms per word, "
                + "%d-word reply%n"
                + "multi-turn: %d turns, system prompt %d chars, user messages %d chars, pause 0-%d ms before each; "
                + "hot prefix: %d-char document, %d-char questions%n"
                + "fresh mocks and gateway per phase; figures over the load (warm-up excluded); "
                + "sessions off (SESSION_TTL_SECONDS=0)%n",
                LocalDate.now(), Runtime.version(), Runtime.getRuntime().availableProcessors(), String.join(" ", Bench.JAVA_OPTS),
                length.toSeconds(), RoutingBench.SLOTS, RoutingBench.CACHE_TOKENS, RoutingBench.PREFILL_MICROS_PER_TOKEN,
                RoutingBench.TOKEN_DELAY_MS, RoutingBench.REPLY.split(" ").length, RoutingBench.TURNS,
                Prompts.SYSTEM_CHARS, Prompts.USER_CHARS, RoutingBench.PAUSE_MS, Prompts.DOCUMENT_CHARS,
                Prompts.QUESTION_CHARS);
    }

    private String table() {
        var table = new StringBuilder(String.format(COLUMNS, "load", "policy", "requests", "success", "TTFT p50",
                "TTFT p99", "busiest", "recompute", "stayed", "queue p50", "queue p99", "peak", "route decisions (gateway)"));
        table.append(String.format(COLUMNS, "", "", "", "", "(ms)", "(ms)", "share", "ratio", "", "(ms)", "(ms)", "gen", "")
                .stripTrailing()).append('\n');
        for (RoutingBench.Phase p : phases) {
            ChatLoad.Result c = p.clients();
            double[] queue = p.gateway().queueWaitMs();
            table.append(String.format(ROW, p.load().name(), p.policy(), c.requests(), 100 * c.successRate(),
                    ChatLoad.percentileMs(c.firstToken(), 50), ChatLoad.percentileMs(c.firstToken(), 99),
                    p.busiestShare(), p.recomputeRatio(), Double.isNaN(c.stayed()) ? "-" : String.format("%.2f", c.stayed()),
                    percentile(queue, 50), percentile(queue, 99), peakGenerating(p), decisions(p.gateway().decisions())));
        }
        return table.toString();
    }

    private String legend() {
        return String.format("TTFT: client-side, to the first frame with content; success: 200 and [DONE], no error frame%n"
                + "busiest share: the busiest mock's share of requests (mean %.3f); "
                + "recompute ratio: Σ(prompt − cached) ÷ Σ prompt tokens over the mocks%n"
                + "stayed: later turns served by the backend of the conversation's previous turn (1/3 by chance)%n"
                + "floor: the multi-turn recompute ratio of one user on one mock with room for all (perfect affinity): "
                + "%.3f%n"
                + "queue: the gateway log's queue_ms; peak gen: the most requests a mock generated at once (slots: %d)%n",
                MEAN_SHARE, floor, RoutingBench.SLOTS);
    }

    /** Anything a phase saw that does not add up: failures, and the gateway's figures against the mocks'. */
    private String notes() {
        var notes = new StringBuilder();
        for (RoutingBench.Phase p : phases) {
            String name = p.load().name() + ", " + p.policy() + ": ";
            ChatLoad.Result c = p.clients();
            if (!c.failures().isEmpty()) {
                notes.append(name).append(c.failures().size()).append(" failed, first: ").append(c.failures().getFirst())
                        .append('\n');
            }
            long cached = p.mocks().stream().mapToLong(Fleet.MockStats::cachedTokens).sum();
            if (Math.abs(cached - p.gateway().cachedTokens()) > 0.01 * Math.max(1, cached)) {
                notes.append(name).append("the gateway logged ").append(p.gateway().cachedTokens())
                        .append(" cached tokens, the mocks counted ").append(cached).append('\n');
            }
            if (!served(p).equals(c.byBackend())) {
                notes.append(name).append("X-Gateway-Backend counted ").append(c.byBackend())
                        .append(", the mocks served ").append(served(p)).append('\n');
            }
            if (peakGenerating(p) > RoutingBench.SLOTS) {
                notes.append(name).append("a mock generated ").append(peakGenerating(p))
                        .append(" requests at once, over its slots\n");
            }
            if (p.gateway().retried() > 0 || !p.gateway().refused().isEmpty()) {
                notes.append(name).append(p.gateway().retried()).append(" requests retried, queue refusals ")
                        .append(p.gateway().refused()).append('\n');
            }
        }
        return notes.toString();
    }

    private String targetLines() {
        var text = new StringBuilder();
        for (Target t : targets()) {
            text.append(String.format("  %-62s %-7s %s%n", t.name(), t.met() ? "MET" : "MISSED", t.figures()));
        }
        return text.toString();
    }

    List<Target> targets() {
        var targets = new ArrayList<Target>();
        phases.stream().filter(p -> p.policy().equals("round-robin") && p.load().turns() > 1)
                .forEach(roundRobin -> find(roundRobin.load(), "prefix") // absent when that phase could not measure
                        .ifPresent(prefix -> targets.add(recomputeTarget(roundRobin, prefix))));
        targets.add(successTarget());
        phases.stream().filter(p -> p.policy().equals("prefix") && p.load().turns() == 1)
                .forEach(prefix -> targets.add(spreadTarget(prefix)));
        return targets;
    }

    /** (i) On a multi-turn load, prefix affinity recomputes at most 0.3 times what round robin does. */
    private Target recomputeTarget(RoutingBench.Phase roundRobin, RoutingBench.Phase prefix) {
        double limit = RECOMPUTE_FACTOR * roundRobin.recomputeRatio();
        return new Target("(i) " + roundRobin.load().name() + ": prefix recompute ≤ 0.3 × round-robin's",
                String.format("%.3f vs ≤ %.3f (round-robin %.3f; floor %.3f)", prefix.recomputeRatio(), limit,
                        roundRobin.recomputeRatio(), floor),
                prefix.recomputeRatio() <= limit);
    }

    /** (ii) Every request of every phase succeeded. */
    private Target successTarget() {
        List<String> incomplete = phases.stream()
                .filter(p -> p.clients().requests() == 0 || p.clients().ok() < p.clients().requests())
                .map(p -> String.format("%s/%s %d of %d", p.load().name(), p.policy(), p.clients().ok(),
                        p.clients().requests()))
                .toList();
        int requests = phases.stream().mapToInt(p -> p.clients().requests()).sum();
        boolean met = incomplete.isEmpty() && failures.isEmpty();
        String figures = incomplete.isEmpty() ? requests + " requests, all ok" : String.join("; ", incomplete);
        return new Target("(ii) 100% success in every phase",
                failures.isEmpty() ? figures : figures + "; " + failures.size() + " phases could not measure", met);
    }

    /** (iii) Under one hot prefix, prefix affinity leaves no backend with more than 1.25 times the mean share. */
    private static Target spreadTarget(RoutingBench.Phase prefix) {
        double limit = SPREAD_FACTOR * MEAN_SHARE;
        return new Target("(iii) " + prefix.load().name() + ": prefix busiest share ≤ 1.25 × mean",
                String.format("%.3f vs ≤ %.3f", prefix.busiestShare(), limit), prefix.busiestShare() <= limit);
    }

    private Optional<RoutingBench.Phase> find(ChatLoad.Load load, String policy) {
        return phases.stream().filter(p -> p.load() == load && p.policy().equals(policy)).findFirst();
    }

    /** Requests each mock served, by backend name, leaving out those that served none (as the header count does). */
    private static Map<String, Integer> served(RoutingBench.Phase p) {
        var served = new TreeMap<String, Integer>();
        for (int i = 0; i < p.mocks().size(); i++) {
            if (p.mocks().get(i).requests() > 0) {
                served.put(Fleet.BACKENDS.get(i), (int) p.mocks().get(i).requests());
            }
        }
        return served;
    }

    private static long peakGenerating(RoutingBench.Phase p) {
        return p.mocks().stream().mapToLong(Fleet.MockStats::maxGenerating).max().orElse(0);
    }

    /** "affinity 250, miss 6": the reasons without the policy's name, which the row already gives. */
    private static String decisions(Map<String, Long> decisions) {
        return decisions.entrySet().stream()
                .map(e -> e.getKey().substring(e.getKey().indexOf('/') + 1) + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static double percentile(double[] sorted, double percent) {
        return sorted.length == 0 ? Double.NaN
                : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }

    private JsonObject json() {
        var list = new ArrayList<JsonValue>();
        for (RoutingBench.Phase p : phases) {
            list.add(phaseJson(p));
        }
        var targets = new ArrayList<JsonValue>();
        targets().forEach(t -> targets.add(JsonObject.builder().put("target", t.name()).put("figures", t.figures())
                .put("met", t.met()).build()));
        return JsonObject.builder().put("run", header()).put("floor_recompute_ratio", number(floor))
                .put("phases", new JsonArray(list)).put("targets", new JsonArray(targets))
                .put("could_not_measure", new JsonArray(failures.stream().map(f -> (JsonValue) new JsonString(f)).toList()))
                .build();
    }

    private static JsonObject phaseJson(RoutingBench.Phase p) {
        var backends = new ArrayList<JsonValue>();
        for (int i = 0; i < p.mocks().size(); i++) {
            Fleet.MockStats m = p.mocks().get(i);
            backends.add(JsonObject.builder().put("name", Fleet.BACKENDS.get(i)).put("requests", m.requests())
                    .put("prompt_tokens", m.promptTokens()).put("cached_tokens", m.cachedTokens())
                    .put("max_generating", m.maxGenerating()).build());
        }
        var decisions = JsonObject.builder();
        p.gateway().decisions().forEach(decisions::put);
        ChatLoad.Result c = p.clients();
        return JsonObject.builder().put("load", p.load().name()).put("policy", p.policy())
                .put("clients", p.load().clients()).put("seconds", number(c.seconds()))
                .put("requests", c.requests()).put("ok", c.ok()).put("success_rate", number(c.successRate()))
                .put("ttft_p50_ms", number(ChatLoad.percentileMs(c.firstToken(), 50)))
                .put("ttft_p99_ms", number(ChatLoad.percentileMs(c.firstToken(), 99)))
                .put("busiest_share", number(p.busiestShare())).put("mean_share", number(MEAN_SHARE))
                .put("recompute_ratio", number(p.recomputeRatio())).put("stayed", number(c.stayed()))
                .put("queue_wait_p50_ms", number(percentile(p.gateway().queueWaitMs(), 50)))
                .put("queue_wait_p99_ms", number(percentile(p.gateway().queueWaitMs(), 99)))
                .put("retried", p.gateway().retried()).put("route_decisions", decisions.build())
                .put("backends", new JsonArray(backends))
                .put("failures", new JsonArray(c.failures().stream().limit(5).map(f -> (JsonValue) new JsonString(f)).toList()))
                .build();
    }

    private static JsonValue number(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? JsonNull.INSTANCE : JsonNumber.of(value);
    }
}
