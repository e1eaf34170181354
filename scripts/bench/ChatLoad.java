import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

/**
 * The routing benchmark's chat users: a fixed number of clients, each on its own virtual
 * thread, each running its conversations one turn after another, as a person does who
 * waits for the answer before typing the next message. A turn sends the whole history
 * (the system prompt, then user and assistant messages in turn) plus a new user message,
 * streamed, and appends the streamed reply to the history.
 *
 * <p>The client is the JDK's {@code HttpClient} rather than {@link StreamLoad}'s raw socket:
 * it needs the response headers (the backend that answered) and each frame's text (the
 * reply goes into the next turn), and at a few hundred frames a second its cost is small.
 *
 * <p>A phase is bounded twice: each client runs at most {@link Load#conversationsPerClient}
 * conversations and starts no turn after the phase's end; turns still open {@link #GRACE}
 * later are cut and counted as failures.
 */
final class ChatLoad {
    /** Longer than the gateway's queue timeout (30 s) and a whole reply: a turn started in time may end. */
    static final Duration GRACE = Duration.ofSeconds(45);
    /** Wait for the response headers: past the queue timeout, so that the gateway's own answer (503) is seen. */
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);

    /** Gives the user's message at one turn of one conversation. */
    interface UserText {
        String message(int conversation, int turn);
    }

    /**
     * A load: {@code clients} users each running up to {@code conversationsPerClient}
     * conversations of {@code turns} turns; every conversation starts with {@code system}
     * (none when null). Before each turn a user pauses for a random time up to
     * {@code pauseMs}: without it, identical users in front of a deterministic mock fall
     * into lockstep, and then round robin sends each conversation back to the backend it
     * had, whenever the number of users is a multiple of the number of backends.
     */
    record Load(String name, int clients, int conversationsPerClient, int turns, int pauseMs, String system,
                UserText user) {
    }

    /**
     * One request as its client saw it.
     *
     * @param firstToken nanoseconds from sending to the first frame with content; 0 when none came
     * @param backend    the gateway's {@code X-Gateway-Backend} header, or "-"
     * @param stayed     a later turn served by the backend of the conversation's previous turn;
     *                   null for a first turn
     */
    record Turn(boolean ok, long firstToken, String backend, String reply, String failure, Boolean stayed) {
        /** This turn, knowing the conversation's previous one (null before the first). */
        Turn after(Turn previous) {
            Boolean same = previous == null ? null : backend.equals(previous.backend);
            return new Turn(ok, firstToken, backend, reply, failure, same);
        }
    }

    /**
     * What a phase's clients saw.
     *
     * @param firstToken time to first token of the successful requests, in nanoseconds, sorted
     * @param byBackend  requests answered by each backend, by the response header
     * @param stayed     the share of later turns served by the backend of their previous turn
     *                   (about 1/3 when placement ignores the conversation)
     * @param failures   how each failed request failed, first ones first
     */
    record Result(int requests, int ok, long[] firstToken, Map<String, Integer> byBackend, double stayed,
                  List<String> failures, double seconds) {
        double successRate() {
            return requests == 0 ? Double.NaN : ok / (double) requests;
        }
    }

    private ChatLoad() {
    }

    /** Runs {@code load} against {@code chat} for at most {@code length} (plus the grace for turns under way). */
    static Result run(URI chat, Load load, Duration length) throws InterruptedException {
        var turns = new ConcurrentLinkedQueue<Turn>();
        long start = System.nanoTime();
        long deadline = start + length.toNanos();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        var clients = new ArrayList<Thread>();
        for (int c = 0; c < load.clients(); c++) {
            int client = c;
            clients.add(Thread.ofVirtual().start(() -> runClient(http, chat, load, client, deadline, turns)));
        }
        long cutOff = deadline + GRACE.toNanos();
        for (Thread client : clients) {
            client.join(Duration.ofNanos(Math.max(1, cutOff - System.nanoTime())));
        }
        http.shutdownNow(); // streams still open fail now, and their clients end
        for (Thread client : clients) {
            if (!client.join(Duration.ofSeconds(10))) {
                // Its turn under way never ended: count it as a failed request rather than lose it.
                turns.add(failed("-", "a turn that had not ended 10 s after the phase was cut"));
            }
        }
        return summarize(List.copyOf(turns), (System.nanoTime() - start) / 1e9);
    }

    private static void runClient(HttpClient http, URI chat, Load load, int client, long deadline,
                                  ConcurrentLinkedQueue<Turn> turns) {
        var random = new SplittableRandom(client); // the same pauses in every run
        for (int k = 0; k < load.conversationsPerClient() && System.nanoTime() < deadline; k++) {
            int conversation = client + k * load.clients(); // every conversation of the phase is different
            var history = new ArrayList<Prompts.Message>();
            Turn previous = null;
            if (load.system() != null) {
                history.add(new Prompts.Message("system", load.system()));
            }
            for (int t = 0; t < load.turns() && System.nanoTime() < deadline; t++) {
                if (!pause(random.nextInt(load.pauseMs() + 1)) || System.nanoTime() >= deadline) {
                    return;
                }
                history.add(new Prompts.Message("user", load.user().message(conversation, t)));
                String id = load.name() + "-" + conversation + "-" + (t + 1); // the gateway logs it as request_id
                Turn turn = send(http, chat, id, Prompts.streamedRequest(history)).after(previous);
                turns.add(turn);
                if (!turn.ok()) {
                    break; // without the reply the conversation cannot go on
                }
                previous = turn;
                history.add(new Prompts.Message("assistant", turn.reply()));
            }
        }
    }

    /** Sleeps; false when interrupted. */
    private static boolean pause(int millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Turn send(HttpClient http, URI chat, String id, String body) {
        HttpRequest request = HttpRequest.newBuilder(chat).timeout(HEADERS_TIMEOUT).header("X-Request-ID", id)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        try {
            HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            String backend = response.headers().firstValue("X-Gateway-Backend").orElse("-");
            try (Stream<String> lines = response.body()) {
                if (response.statusCode() != 200) {
                    String text = String.join(" ", lines.toList());
                    return failed(backend, "status " + response.statusCode() + ": " + text.substring(0, Math.min(200, text.length())));
                }
                return readStream(lines.iterator(), start, backend);
            }
        } catch (IOException | RuntimeException e) {
            return failed("-", e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("-", "interrupted");
        }
    }

    /** Reads the SSE frames: content until {@code [DONE]}; an error frame, or no {@code [DONE]}, is a failure. */
    private static Turn readStream(Iterator<String> lines, long start, String backend) {
        var reply = new StringBuilder();
        long firstToken = 0;
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.startsWith("data: ")) {
                continue; // blank separators and ": keep-alive" comments
            }
            String data = line.substring("data: ".length());
            if (data.equals("[DONE]")) {
                return firstToken == 0 ? failed(backend, "a stream without content")
                        : new Turn(true, firstToken, backend, reply.toString(), null, null);
            }
            JsonObject frame = (JsonObject) Json.parse(data);
            if (frame.has("error")) {
                return failed(backend, "error frame: " + data);
            }
            String content = content(frame);
            if (!content.isEmpty() && firstToken == 0) {
                firstToken = System.nanoTime() - start;
            }
            reply.append(content);
        }
        return failed(backend, "the stream ended without [DONE]");
    }

    /** {@code choices[0].delta.content}, or "" (the usage chunk has no choices). */
    private static String content(JsonObject frame) {
        JsonArray choices = frame.array("choices").orElse(JsonArray.of());
        if (choices.size() == 0 || !(choices.get(0) instanceof JsonObject choice)) {
            return "";
        }
        return choice.object("delta").flatMap(delta -> delta.string("content")).orElse("");
    }

    private static Turn failed(String backend, String why) {
        return new Turn(false, 0, backend, "", why, null);
    }

    private static Result summarize(List<Turn> turns, double seconds) {
        long[] firstToken = turns.stream().filter(Turn::ok).mapToLong(Turn::firstToken).sorted().toArray();
        var byBackend = new TreeMap<String, Integer>();
        turns.forEach(t -> byBackend.merge(t.backend(), 1, Integer::sum));
        List<Boolean> later = turns.stream().filter(Turn::ok).map(Turn::stayed).filter(Objects::nonNull).toList();
        double stayed = later.isEmpty() ? Double.NaN : later.stream().filter(b -> b).count() / (double) later.size();
        List<String> failures = turns.stream().filter(t -> !t.ok()).map(Turn::failure).toList();
        return new Result(turns.size(), firstToken.length, firstToken, byBackend, stayed, failures, seconds);
    }

    /** The value at {@code percent} of sorted nanoseconds, in milliseconds (nearest rank). */
    static double percentileMs(long[] sorted, double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)] / 1e6;
    }
}
