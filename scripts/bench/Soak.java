import gateway.json.Json;
import gateway.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * scripts/soak.sh: mixed traffic for a bounded time against two gateways, one in echo mode
 * and one in front of the mock backend, while their heap after GC, RSS, threads and open
 * files are sampled. Fails when a request that should succeed did not, when a request
 * line is missing from the log, or when a sampled measure keeps growing.
 */
final class Soak {
    static final String KEY = "sk-soak";
    static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello soak\"}]}";
    static final String STREAM = "{\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello soak\"}]}";
    /** Clients sending at once: enough to keep two cores busy, few enough to leave room to sample. */
    static final int CLIENTS = 8;

    /** What the clients do, in equal shares; each knows whether its answer was right. */
    enum Kind {
        ECHO_WHOLE, ECHO_STREAM, BACKEND_WHOLE, BACKEND_STREAM, STREAM_CANCELLED,
        BAD_JSON, WRONG_KEY, TOO_MANY_TOKENS, UNKNOWN_PATH, HALF_REQUEST
    }

    /** One sample of a gateway process. */
    record Sample(long second, long heapAfterGc, long rssKiB, long threads, long openFiles) {}

    /**
     * A measure that must not keep growing: the median of the run's last third may exceed
     * the median of its first third (after a warm-up fifth) by {@code ratio} or by
     * {@code slack}, whichever is larger, and no more.
     */
    record Limit(String name, String unit, double scale, ToLongFunction<Sample> value, double ratio, long slack) {}

    static final List<Limit> LIMITS = List.of(
            new Limit("heap after GC", "MiB", 1 << 20, Sample::heapAfterGc, 0.25, 4L << 20),
            new Limit("RSS", "MiB", 1 << 10, Sample::rssKiB, 0.25, 32L << 10),
            // Platform threads: the virtual threads' carriers and HttpClient's come and go.
            new Limit("threads", "", 1, Sample::threads, 0, 10),
            // Pooled connections to the backend vary with the clients' mix.
            new Limit("open files", "", 1, Sample::openFiles, 0, 32));

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<Kind, LongAdder> sent = new EnumMap<>(Kind.class);
    private final Map<Kind, LongAdder> wrong = new EnumMap<>(Kind.class);
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final URI echo;
    private final URI backend;

    Soak(URI echo, URI backend) {
        this.echo = echo;
        this.backend = backend;
        for (Kind kind : Kind.values()) {
            sent.put(kind, new LongAdder());
            wrong.put(kind, new LongAdder());
        }
    }

    public static void main(String[] args) throws Exception {
        String jar = args[0];
        Path folder = Path.of(args[1]);
        Duration duration = Duration.ofSeconds(Long.parseLong(args[2]));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Duration every = duration.compareTo(Duration.ofMinutes(2)) < 0 ? Duration.ofSeconds(2) : Duration.ofSeconds(5);

        try (var services = new Services(folder)) {
            int mockPort = Services.freePort();
            services.start("mock", mockPort, null, List.of(java, "-jar", jar, "mock", "--port", Integer.toString(mockPort),
                    "--reply", "a reply of twenty words " + "and so on ".repeat(5).strip(), "--token-delay-ms", "5"), Map.of());
            var gateways = List.of(startGateway(services, folder, java, jar, "echo", ""),
                    startGateway(services, folder, java, jar, "backend", "http://127.0.0.1:" + mockPort));
            var soak = new Soak(uri(gateways.get(0)), uri(gateways.get(1)));
            System.out.printf("soak: %d s of mixed traffic from %d clients, sampling every %d s%n",
                    duration.toSeconds(), CLIENTS, every.toSeconds());

            var samples = new ArrayList<List<Sample>>(List.of(new ArrayList<>(), new ArrayList<>()));
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            List<Thread> clients = Stream.generate(() -> Thread.ofVirtual().start(() -> soak.sendUntil(deadline)))
                    .limit(CLIENTS).toList();
            for (long next = start; next < deadline; next += every.toNanos()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                long second = (System.nanoTime() - start) / 1_000_000_000L;
                for (int i = 0; i < gateways.size(); i++) {
                    var g = gateways.get(i);
                    samples.get(i).add(new Sample(second, g.liveHeapBytes(java), g.rssKiB(), g.threads(), g.openFiles()));
                }
            }
            for (Thread client : clients) {
                client.join();
            }
            boolean passed = soak.reportRequests(Duration.ofNanos(System.nanoTime() - start));
            for (int i = 0; i < gateways.size(); i++) {
                passed &= reportSamples(gateways.get(i).name(), samples.get(i), folder);
                passed &= everyRequestLogged(gateways.get(i), folder);
            }
            System.out.println(passed ? "soak passed" : "soak FAILED");
            System.exit(passed ? 0 : 1);
        }
    }

    private static Services.Service startGateway(Services services, Path folder, String java, String jar, String name,
            String backendUrl) throws IOException, InterruptedException {
        int port = Services.freePort();
        Files.writeString(folder.resolve("none.env"), "# every setting comes from the environment\n");
        var command = new ArrayList<>(List.of(java));
        command.addAll(Arrays.asList(System.getenv().getOrDefault("GATEWAY_JAVA_OPTS", "-Xmx376m").trim().split("\\s+")));
        command.addAll(List.of("-jar", jar, "--env-file", folder.resolve("none.env").toString()));
        return services.start(name, port, "/healthz", command, Map.of(
                "PORT", Integer.toString(port), "BACKEND_URL", backendUrl, "API_KEYS", "soak:" + KEY,
                "ECHO_TOKEN_DELAY_MS", "5", "MAX_TOKENS_LIMIT", "1000",
                // Rotated during the run, as in production; every file is counted at the end.
                "LOG_FILE", folder.resolve(name + ".log").toString(), "LOG_MAX_BYTES", Integer.toString(20 << 20),
                "LOG_MAX_FILES", "1000"));
    }

    private static URI uri(Services.Service service) {
        return URI.create("http://127.0.0.1:" + service.port());
    }

    private void sendUntil(long deadline) {
        var kinds = Kind.values();
        while (System.nanoTime() < deadline) {
            Kind kind = kinds[ThreadLocalRandom.current().nextInt(kinds.length)];
            sent.get(kind).increment();
            try {
                String problem = send(kind);
                if (problem != null) {
                    fail(kind, problem);
                }
            } catch (IOException | RuntimeException e) {
                fail(kind, e.toString());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void fail(Kind kind, String problem) {
        wrong.get(kind).increment();
        if (failures.size() < 10) {
            failures.add(kind + ": " + problem);
        }
    }

    /** Sends one request of {@code kind}; returns what was wrong with its answer, or null. */
    private String send(Kind kind) throws IOException, InterruptedException {
        URI chat = (kind == Kind.ECHO_WHOLE || kind == Kind.ECHO_STREAM ? echo : backend).resolve("/v1/chat/completions");
        return switch (kind) {
            case ECHO_WHOLE, BACKEND_WHOLE -> expect(post(chat, HELLO, KEY), 200, "\"chat.completion\"");
            case ECHO_STREAM, BACKEND_STREAM -> expect(post(chat, STREAM, KEY), 200, "data: [DONE]");
            case STREAM_CANCELLED -> cancelAfterFirstFrame(chat);
            case BAD_JSON -> expect(post(chat, "{\"messages\":[", KEY), 400, "\"invalid_json\"");
            case WRONG_KEY -> expect(post(chat, HELLO, "sk-wrong"), 401, "\"unauthorized\"");
            case TOO_MANY_TOKENS -> expect(post(chat, HELLO.replace("{", "{\"max_tokens\":5000,"), KEY), 400,
                    "\"invalid_max_tokens\"");
            case UNKNOWN_PATH -> expect(post(chat.resolve("/v1/completion"), HELLO, KEY), 404, "\"not_found\"");
            case HALF_REQUEST -> hangUpMidBody(chat);
        };
    }

    private HttpResponse<String> post(URI uri, String body, String key) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String expect(HttpResponse<String> response, int status, String text) {
        if (response.statusCode() != status || !response.body().contains(text)) {
            return "expected " + status + " with " + text + ", got " + response.statusCode() + " "
                    + response.body().substring(0, Math.min(200, response.body().length()));
        }
        return null;
    }

    /** A client that reads the first frame of a backend stream, then goes away. */
    private String cancelAfterFirstFrame(URI chat) throws IOException, InterruptedException {
        var response = client.send(HttpRequest.newBuilder(chat).header("Authorization", "Bearer " + KEY)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(STREAM)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body();
             var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line = lines.readLine();
            return response.statusCode() == 200 && line != null && line.startsWith("data: ") ? null
                    : "expected a first frame, got " + response.statusCode() + " " + line;
        }
    }

    /** A client that sends its headers and half its body, then goes away: nothing to check but the gateway's health. */
    private static String hangUpMidBody(URI chat) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), chat.getPort())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Length: " + HELLO.length() + "\r\n\r\n" + HELLO.substring(0, HELLO.length() / 2))
                    .getBytes(StandardCharsets.US_ASCII));
        }
        return null;
    }

    private boolean reportRequests(Duration took) {
        long total = sent.values().stream().mapToLong(LongAdder::sum).sum();
        long failed = wrong.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.printf("%n%,d requests in %d s (%.0f/s), %d wrong%n", total, took.toSeconds(),
                total / (took.toNanos() / 1e9), failed);
        sent.forEach((kind, n) -> System.out.printf("  %-17s %,9d sent %,5d wrong%n", kind, n.sum(), wrong.get(kind).sum()));
        failures.forEach(f -> System.out.println("  e.g. " + f));
        return failed == 0;
    }

    /** Prints a gateway's samples and checks each measure against its limit. */
    private static boolean reportSamples(String name, List<Sample> samples, Path folder) throws IOException {
        var csv = new StringBuilder("second,heap_after_gc_bytes,rss_kib,threads,open_files\n");
        samples.forEach(s -> csv.append(s.second()).append(',').append(s.heapAfterGc()).append(',').append(s.rssKiB())
                .append(',').append(s.threads()).append(',').append(s.openFiles()).append('\n'));
        Files.writeString(folder.resolve(name + "-samples.csv"), csv);
        System.out.printf("%n%s gateway, %d samples (%s-samples.csv): median of the first and last third after warm-up%n",
                name, samples.size(), name);
        int warmUp = samples.size() / 5;
        List<Sample> kept = samples.subList(warmUp, samples.size());
        if (kept.size() < 3) {
            System.out.println("  too few samples to judge growth: run longer");
            return false;
        }
        boolean passed = true;
        for (Limit limit : LIMITS) {
            long first = median(kept.subList(0, kept.size() / 3), limit.value());
            long last = median(kept.subList(kept.size() - kept.size() / 3, kept.size()), limit.value());
            long max = kept.stream().mapToLong(limit.value()).max().orElse(0);
            boolean grew = last - first > Math.max(first * limit.ratio(), limit.slack());
            passed &= !grew;
            System.out.printf("  %-14s %9.1f → %9.1f %s (max %.1f)  %s%n", limit.name(), first / limit.scale(),
                    last / limit.scale(), limit.unit(), max / limit.scale(), grew ? "GROWING" : "steady");
        }
        return passed;
    }

    private static long sum(JsonObject byStatus) {
        return byStatus.members().values().stream().mapToLong(n -> ((gateway.json.JsonNumber) n).longValue()).sum();
    }

    private static long median(List<Sample> samples, ToLongFunction<Sample> value) {
        long[] values = samples.stream().mapToLong(value).sorted().toArray();
        return values[values.length / 2];
    }

    /** The log's request lines, across its rotated files, against the requests the metrics counted. */
    private static boolean everyRequestLogged(Services.Service gateway, Path folder) throws IOException, InterruptedException {
        JsonObject metrics;
        try (var http = HttpClient.newHttpClient()) {
            var ask = HttpRequest.newBuilder(uri(gateway).resolve("/metrics")).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            do { // until the departed clients' requests have ended: only this one is in flight
                metrics = (JsonObject) Json.parse(http.send(ask, HttpResponse.BodyHandlers.ofString()).body());
            } while (metrics.longValue("requests_in_flight").orElseThrow() > 1 && System.nanoTime() < deadline);
        }
        // Every request that has ended, the /metrics ones excepted (the last is still in flight).
        long counted = metrics.longValue("requests_total").orElseThrow()
                - metrics.object("requests").orElseThrow().object("GET /metrics").map(Soak::sum).orElse(0L);
        long logged = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(gateway.name() + ".log")).toList()) {
                try (Stream<String> lines = Files.lines(file)) {
                    logged += lines.filter(line -> line.contains("\"event\":\"request\"")
                            && !line.contains("\"path\":\"/metrics\"")).count();
                }
            }
        }
        System.out.printf("  log: %,d request lines for %,d requests counted%s%n", logged, counted,
                logged == counted ? "" : "  MISSING LINES");
        return logged == counted;
    }
}
