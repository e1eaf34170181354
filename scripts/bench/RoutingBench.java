import gateway.json.Json;
import gateway.json.JsonObject;
import gateway.json.JsonNumber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The routing benchmark behind {@code scripts/bench.sh routing}: how round robin, least
 * loaded and prefix affinity spread chat traffic over three llama.cpp-like backends (the
 * mock), as ROUTING.md section 7 asks: multi-turn conversations below and at saturation,
 * then one hot prefix at saturation. Each (load, policy) phase gets three fresh mocks and a
 * fresh gateway, a short warm-up, then the load; figures are differences over the load
 * alone. {@link RoutingReport} prints the table and checks the targets.
 *
 * <p><b>Why these numbers.</b> The workload should look like a small chat fleet near and
 * past its capacity, not like a case built for one policy.
 * <ul>
 * <li>{@link #SLOTS} 4 per backend, 3 backends, 12 slots: llama-server started with
 *     {@code -np 4}. The gateway is told the same, so requests beyond them wait in the
 *     gateway's queue (where it chooses) and never in a mock's.
 * <li>{@link #BELOW} 6 clients (half the slots) and {@link #SATURATED} 24 (twice): below
 *     saturation every request finds a free slot at once, so the policy alone decides
 *     where it goes; at saturation nearly every request waits in the gateway's queue, as
 *     in a busy fleet.
 * <li>{@link #PREFILL_MICROS_PER_TOKEN} 200 µs: 5,000 prompt tokens a second, about what
 *     llama.cpp prefills with an 8B model on one consumer GPU. A sixth-turn prompt (about
 *     950 tokens) then costs 190 ms before its first token uncached, about 20 ms when its
 *     previous turn is cached.
 * <li>A {@link #REPLY} of 140 words (about 200 tokens): a chat answer of a paragraph,
 *     which is what assistants commonly give (150 to 500 tokens). The next turn repeats it
 *     as the assistant's message, and a llama.cpp slot keeps what it generated, so a
 *     conversation kept on its backend finds its last answer cached, and one moved elsewhere
 *     computes it again. {@link #TOKEN_DELAY_MS} 2 ms a word decodes it in a quarter of a
 *     second, far faster than a GPU (20 to 50 ms a token), to keep runs short: prefill then
 *     weighs more in a slot's time than on a real server, though not in time to first token.
 * <li>{@link #CACHE_TOKENS} 16,384 tokens per backend: llama-server's {@code -c 16384 -np 4},
 *     4,096 tokens of context per slot. A conversation's own part (its user and assistant
 *     messages) grows by about 250 tokens a turn, to about 1,250 by turn 6, after the
 *     500-token system prompt every backend shares. Below saturation (6 conversations)
 *     everything fits everywhere, so that load compares policies without cache pressure;
 *     at saturation (24 conversations, about 15,000 tokens of their own on average, up to
 *     30,000) the third of them that affinity keeps on each backend fits, and all of them,
 *     which round robin spreads over every backend, fit only in part.
 * <li>{@link #TURNS} 6 turns, and the prompt sizes in {@link Prompts}: a few exchanges of
 *     a chat, each a few sentences, after a typical system prompt.
 * <li>The hot prefix: 24 clients (saturation), each request the same 1,000-token
 *     document and a different short question. Every backend soon holds the document, so
 *     caching is not the question there: the spread of the load is.
 * <li>{@link #PAUSE_MS}: before each turn a user pauses a random 0 to 300 ms (150 on
 *     average), a person's reading and typing shortened to keep runs short. It matters for
 *     honesty, not for load: identical users in front of a deterministic mock otherwise
 *     fall into lockstep, and with 6 or 24 users (multiples of 3 backends) round robin then
 *     sends each conversation back to its previous backend, two times in three in a trial
 *     run, which made round robin look like affinity.
 * </ul>
 *
 * <p>usage: {@code RoutingBench JAR FOLDER [SECONDS]}, SECONDS bounding each load phase
 * (default 15); a phase also ends when its clients have run their conversations.
 */
public final class RoutingBench {
    static final List<String> POLICIES = List.of("round-robin", "least-loaded", "prefix");
    static final int SLOTS = 4;
    static final int TOTAL_SLOTS = SLOTS * Fleet.BACKENDS.size();
    static final int BELOW = TOTAL_SLOTS / 2;
    static final int SATURATED = 2 * TOTAL_SLOTS;
    static final int TURNS = 6;
    static final int PREFILL_MICROS_PER_TOKEN = 200;
    static final int TOKEN_DELAY_MS = 2;
    static final int CACHE_TOKENS = 16_384;
    static final int PAUSE_MS = 300;
    static final String REPLY = "A prefix cache keeps the attention keys and values of a prompt that the server has "
            + "already processed, so that a later prompt starting with the same text can skip that work. The saving is "
            + "largest for long shared beginnings: a system prompt, a document, the earlier turns of a conversation. "
            + "The cache lives in one server's memory, so a request only benefits when it reaches the server that "
            + "holds its beginning, which is why a router that knows where each conversation went can cut the time "
            + "to the first token by a large factor. Memory is limited, though, and old entries are dropped when new "
            + "ones arrive, so a conversation left idle for long will be computed again wherever it goes next. "
            + "In short: keep each conversation on one server while it is active, and spread new ones evenly.";
    /** Conversations over which the floor of the recompute ratio is measured (after a first one). */
    static final int FLOOR_CONVERSATIONS = 2;
    /** Caps on the work of a phase, well above what the default 15 s allows: time normally ends a phase. */
    static final int CONVERSATIONS_PER_CLIENT = 40;
    static final int HOT_REQUESTS_PER_CLIENT = 200;
    /** Warm-up: five rounds on every slot, prompts under one cache block (64 characters): no cache or index is touched. */
    static final ChatLoad.Load WARM_UP = new ChatLoad.Load("warm-up", TOTAL_SLOTS, 5, 1, 0, null,
            (c, t) -> "warm-up " + c);

    static final Fleet.MockSettings MOCK = new Fleet.MockSettings(SLOTS, CACHE_TOKENS, PREFILL_MICROS_PER_TOKEN,
            TOKEN_DELAY_MS, REPLY);

    /** The loads, in the order they run; each under every policy before the next. */
    static final List<ChatLoad.Load> LOADS = List.of(
            new ChatLoad.Load("multi-turn-" + BELOW, BELOW, CONVERSATIONS_PER_CLIENT, TURNS, PAUSE_MS, Prompts.SYSTEM,
                    Prompts::userMessage),
            new ChatLoad.Load("multi-turn-" + SATURATED, SATURATED, CONVERSATIONS_PER_CLIENT, TURNS, PAUSE_MS,
                    Prompts.SYSTEM, Prompts::userMessage),
            new ChatLoad.Load("hot-prefix-" + SATURATED, SATURATED, HOT_REQUESTS_PER_CLIENT, 1, PAUSE_MS,
                    Prompts.DOCUMENT, (request, turn) -> Prompts.question(request)));

    /**
     * What the gateway itself reports about a phase.
     *
     * @param decisions    {@code route_decisions} of {@code /metrics}, counted over the phase
     * @param queueWaitMs  each request's {@code queue_ms} from the log, sorted
     * @param retried      requests the log shows with more than one attempt
     * @param cachedTokens the sum of the log's {@code cached_tokens}, to set beside the mocks' own
     * @param refused      {@code queue.refused} of {@code /metrics}, counted over the phase
     */
    record GatewaySide(Map<String, Long> decisions, double[] queueWaitMs, long retried, long cachedTokens,
                       Map<String, Long> refused) {
    }

    /** One load through one policy: what the clients saw, what each mock counted, what the gateway says. */
    record Phase(ChatLoad.Load load, String policy, ChatLoad.Result clients, List<Fleet.MockStats> mocks,
                 GatewaySide gateway) {
        long requests() {
            return mocks.stream().mapToLong(Fleet.MockStats::requests).sum();
        }

        /** The busiest backend's share of the requests the mocks served. */
        double busiestShare() {
            long most = mocks.stream().mapToLong(Fleet.MockStats::requests).max().orElse(0);
            return requests() == 0 ? Double.NaN : most / (double) requests();
        }

        /** Σ (prompt − cached) ÷ Σ prompt over the three mocks: the share of prompt tokens computed again. */
        double recomputeRatio() {
            long prompt = mocks.stream().mapToLong(Fleet.MockStats::promptTokens).sum();
            long cached = mocks.stream().mapToLong(Fleet.MockStats::cachedTokens).sum();
            return prompt == 0 ? Double.NaN : (prompt - cached) / (double) prompt;
        }
    }

    private RoutingBench() {
    }

    /**
     * The lowest recompute ratio a policy can reach on the multi-turn load with this mock,
     * measured rather than assumed (what the mock caches, replies or not, is the mock's
     * business): one user's conversations, turn after turn, on one fresh mock with room for
     * everything, which is perfect affinity. A first conversation puts the system prompt in
     * the cache, as the first ones of a phase do on every backend; the figure is over the
     * {@link #FLOOR_CONVERSATIONS} after it.
     */
    static double measureFloor(Services services, Path jar) throws IOException, InterruptedException {
        var roomy = new Fleet.MockSettings(SLOTS, 1 << 20, PREFILL_MICROS_PER_TOKEN, TOKEN_DELAY_MS, REPLY);
        Services.Service mock = Fleet.startMock(services, jar, "floor-mock", roomy);
        try {
            var first = new ChatLoad.Load("floor-first", 1, 1, TURNS, 0, Prompts.SYSTEM,
                    (c, t) -> Prompts.userMessage(100_000 + c, t)); // not one of the measured conversations
            var then = new ChatLoad.Load("floor", 1, FLOOR_CONVERSATIONS, TURNS, 0, Prompts.SYSTEM, Prompts::userMessage);
            ChatLoad.run(Fleet.chat(mock), first, Duration.ofSeconds(60));
            Fleet.MockStats before = Fleet.stats(mock);
            ChatLoad.Result result = ChatLoad.run(Fleet.chat(mock), then, Duration.ofSeconds(60));
            Fleet.MockStats after = Fleet.stats(mock).since(before);
            if (result.ok() != FLOOR_CONVERSATIONS * TURNS) {
                throw new IOException((FLOOR_CONVERSATIONS * TURNS - result.ok()) + " of the floor's turns failed, first: "
                        + (result.failures().isEmpty() ? "-" : result.failures().getFirst()));
            }
            return (after.promptTokens() - after.cachedTokens()) / (double) after.promptTokens();
        } finally {
            services.stop(mock);
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path folder = Path.of(args[1]);
        Duration length = Duration.ofSeconds(args.length > 2 ? Integer.parseInt(args[2]) : 15);
        Path logs = folder.resolve("routing");
        Files.createDirectories(logs);
        var phases = new ArrayList<Phase>();
        var failures = new ArrayList<String>(); // phases that could not measure, one line each
        double floor = Double.NaN;
        try (var services = new Services(logs)) {
            System.out.println("- the floor: perfect affinity, one user on one mock");
            try {
                floor = measureFloor(services, jar);
            } catch (IOException | RuntimeException e) {
                failures.add(failed("the floor", e));
            }
            for (ChatLoad.Load load : LOADS) {
                for (String policy : POLICIES) {
                    System.out.printf("- %s, %s: %d clients, at most %d s%n", load.name(), policy, load.clients(),
                            length.toSeconds());
                    try {
                        phases.add(measure(services, jar, logs, load, policy, length));
                    } catch (IOException | RuntimeException e) {
                        failures.add(failed(load.name() + ", " + policy, e)); // the run goes on to the next phase
                    }
                }
            }
        }
        new RoutingReport(phases, length, floor, failures).print(folder);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static String failed(String phase, Exception e) {
        String line = phase + ": " + Report.reason(e);
        System.out.println("  could not measure: " + line);
        return line;
    }

    private static Phase measure(Services services, Path jar, Path logs, ChatLoad.Load load, String policy,
                                 Duration length) throws IOException, InterruptedException {
        Fleet fleet = Fleet.start(services, jar, logs, load.name() + "-" + policy, policy, MOCK);
        ChatLoad.Result clients;
        var mocks = new ArrayList<Fleet.MockStats>();
        JsonObject metricsBefore;
        JsonObject metricsAfter;
        try (fleet) {
            ChatLoad.Result warm = ChatLoad.run(fleet.chat(), WARM_UP, Duration.ofSeconds(30));
            if (warm.ok() != warm.requests()) {
                System.out.println("  warm-up failures: " + warm.failures().getFirst());
            }
            List<Fleet.MockStats> mocksBefore = fleet.mockStats();
            metricsBefore = fleet.metrics();
            clients = ChatLoad.run(fleet.chat(), load, length);
            List<Fleet.MockStats> mocksAfter = fleet.mockStats();
            metricsAfter = fleet.metrics();
            for (int i = 0; i < mocksAfter.size(); i++) {
                mocks.add(mocksAfter.get(i).since(mocksBefore.get(i)));
            }
        }
        List<JsonObject> logged = requestLines(fleet.log(), load.name()); // complete: the gateway has stopped
        var gateway = new GatewaySide(difference(metricsBefore, metricsAfter, "route_decisions"),
                logged.stream().mapToDouble(o -> number(o, "queue_ms")).sorted().toArray(),
                logged.stream().filter(o -> number(o, "attempts") > 1).count(),
                (long) logged.stream().mapToDouble(o -> number(o, "cached_tokens")).sum(),
                difference(metricsBefore, metricsAfter, "queue", "refused"));
        return new Phase(load, policy, clients, mocks, gateway);
    }

    /** The counters of the object at {@code path} in {@code /metrics}, counted from {@code before} to {@code after}. */
    private static Map<String, Long> difference(JsonObject before, JsonObject after, String... path) {
        JsonObject from = at(before, path);
        JsonObject to = at(after, path);
        var counts = new TreeMap<String, Long>();
        to.members().keySet().forEach(key -> {
            long n = to.longValue(key).orElse(0L) - from.longValue(key).orElse(0L);
            if (n != 0) {
                counts.put(key, n);
            }
        });
        return counts;
    }

    private static JsonObject at(JsonObject o, String... path) {
        for (String name : path) {
            o = o.object(name).orElseThrow(() -> new IllegalStateException("no " + String.join(".", path) + " in /metrics"));
        }
        return o;
    }

    /** The log's request lines of this phase's load: their request id starts with the load's name. */
    private static List<JsonObject> requestLines(Path log, String load) throws IOException {
        var lines = new ArrayList<JsonObject>();
        for (String line : Files.readAllLines(log)) {
            if (!line.endsWith("}")) {
                continue; // the last line of a gateway killed while writing it
            }
            if (Json.parse(line) instanceof JsonObject o && o.string("event").orElse("").equals("request")
                    && o.string("request_id").orElse("").startsWith(load + "-")) {
                lines.add(o);
            }
        }
        return lines;
    }

    /** A number of a log line; 0 when it is absent or null (cached_tokens when a backend reports none). */
    private static double number(JsonObject line, String name) {
        return line.get(name) instanceof JsonNumber n ? n.doubleValue() : 0;
    }
}
