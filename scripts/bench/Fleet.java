import gateway.json.Json;
import gateway.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Three mock backends and a gateway routing over them with one policy, all started fresh for
 * one phase of the routing benchmark: every phase begins with empty caches and an empty
 * prefix index, so no policy inherits another phase's work. Backends are named m1, m2, m3.
 */
final class Fleet implements AutoCloseable {
    static final List<String> BACKENDS = List.of("m1", "m2", "m3");

    /**
     * What each mock simulates (see {@link RoutingBench} for why these values).
     *
     * @param slots                 requests generating at once; the gateway is told the same
     * @param cacheTokens           its prefix cache, LRU of 16-token blocks
     * @param prefillMicrosPerToken the cost of each prompt token not found in the cache
     * @param tokenDelayMs          the pause between streamed words
     * @param reply                 the reply, one streamed frame per word
     */
    record MockSettings(int slots, int cacheTokens, int prefillMicrosPerToken, int tokenDelayMs, String reply) {
    }

    /** A mock's counters from {@code GET /mock/stats}; recomputed tokens are prompt minus cached. */
    record MockStats(long requests, long promptTokens, long cachedTokens, long maxGenerating) {
        /** Counts since {@code before}; the peak stays the peak of the whole life. */
        MockStats since(MockStats before) {
            return new MockStats(requests - before.requests, promptTokens - before.promptTokens,
                    cachedTokens - before.cachedTokens, maxGenerating);
        }
    }

    /** For the few reads of stats and metrics. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Services services;
    private final List<Services.Service> mocks;
    private final Services.Service gateway;
    private final Path log;

    private Fleet(Services services, List<Services.Service> mocks, Services.Service gateway, Path log) {
        this.services = services;
        this.mocks = mocks;
        this.gateway = gateway;
        this.log = log;
    }

    /** Starts the three mocks (at once, to save time), then a gateway with {@code policy} in front of them. */
    static Fleet start(Services services, Path jar, Path folder, String name, String policy, MockSettings mock)
            throws IOException, InterruptedException {
        var starting = new ArrayList<Thread>();
        var mocks = new Services.Service[BACKENDS.size()];
        var failure = new Exception[1];
        for (int i = 0; i < BACKENDS.size(); i++) {
            int index = i;
            starting.add(Thread.ofVirtual().start(() -> {
                try {
                    mocks[index] = startMock(services, jar, name + "-" + BACKENDS.get(index), mock);
                } catch (IOException | InterruptedException e) {
                    failure[0] = e;
                }
            }));
        }
        for (Thread thread : starting) {
            thread.join();
        }
        List<Services.Service> started = Arrays.stream(mocks).filter(Objects::nonNull).toList();
        if (failure[0] != null) {
            started.forEach(services::stop);
            throw new IOException("a mock did not start: " + failure[0].getMessage(), failure[0]);
        }
        Path log = folder.resolve(name + ".log");
        try {
            var gateway = startGateway(services, jar, folder, name, policy, started, mock.slots(), log);
            return new Fleet(services, started, gateway, log);
        } catch (IOException e) {
            started.forEach(services::stop); // the next phase starts its own
            throw e;
        }
    }

    /** One mock, ready when its /health answers 200. */
    static Services.Service startMock(Services services, Path jar, String name, MockSettings mock)
            throws IOException, InterruptedException {
        int port = Services.freePort();
        var command = new ArrayList<>(List.of(java(), "-jar", jar.toString(), "mock",
                "--port", Integer.toString(port),
                "--slots", Integer.toString(mock.slots()),
                "--cache-tokens", Integer.toString(mock.cacheTokens()),
                "--prefill-us-per-token", Integer.toString(mock.prefillMicrosPerToken()),
                "--token-delay-ms", Integer.toString(mock.tokenDelayMs()),
                "--reply", mock.reply()));
        if (!Lineup.MOCK_FAULTS.isEmpty()) {
            command.addAll(Arrays.asList(Lineup.MOCK_FAULTS.split("\\s+")));
        }
        return services.start(name, port, "/health", command, Map.of());
    }

    /**
     * The gateway with the settings the routing comparison needs, and no others: sessions
     * off (SESSION_TTL_SECONDS=0), so that only the policy decides; as many slots per backend
     * as the mock has, so that requests beyond them wait in the gateway's queue, where the
     * choice of backend is made, rather than in a mock's. Ready when /readyz answers 200.
     */
    private static Services.Service startGateway(Services services, Path jar, Path folder, String name,
            String policy, List<Services.Service> mocks, int slots, Path log) throws IOException, InterruptedException {
        int port = Services.freePort();
        var environment = new HashMap<String, String>();
        environment.put("PORT", Integer.toString(port));
        environment.put("BACKENDS", String.join(",", BACKENDS));
        for (int i = 0; i < BACKENDS.size(); i++) {
            String key = "BACKEND_" + BACKENDS.get(i).toUpperCase() + "_";
            environment.put(key + "URL", "http://127.0.0.1:" + mocks.get(i).port());
            environment.put(key + "SLOTS", Integer.toString(slots));
        }
        environment.put("ROUTING", policy);
        environment.put("QUEUE_MAX", "1024");
        environment.put("QUEUE_TIMEOUT_SECONDS", "30");
        environment.put("SESSION_TTL_SECONDS", "0");
        environment.put("LOG_FILE", log.toString());
        Path noEnvFile = folder.resolve("none.env");
        Files.writeString(noEnvFile, "# every setting comes from the environment\n");
        var command = new ArrayList<>(List.of(java()));
        command.addAll(Bench.JAVA_OPTS);
        command.addAll(List.of("-jar", jar.toString(), "--env-file", noEnvFile.toString()));
        return services.start(name + "-gateway", port, "/readyz", command, environment);
    }

    URI chat() {
        return chat(gateway);
    }

    static URI chat(Services.Service service) {
        return URI.create("http://127.0.0.1:" + service.port() + "/v1/chat/completions");
    }

    Path log() {
        return log;
    }

    /** Each mock's counters now, in the order of {@link #BACKENDS}. */
    List<MockStats> mockStats() throws IOException, InterruptedException {
        var stats = new ArrayList<MockStats>();
        for (Services.Service mock : mocks) {
            stats.add(stats(mock));
        }
        return stats;
    }

    /** One mock's counters now. */
    static MockStats stats(Services.Service mock) throws IOException, InterruptedException {
        JsonObject o = get(mock.port(), "/mock/stats");
        return new MockStats(number(o, "requests"), number(o, "prompt_tokens"), number(o, "cached_tokens"),
                number(o, "max_generating"));
    }

    /** The gateway's {@code GET /metrics} JSON. */
    JsonObject metrics() throws IOException, InterruptedException {
        return get(gateway.port(), "/metrics");
    }

    private static JsonObject get(int port, String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return (JsonObject) Json.parse(response.body());
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static long number(JsonObject o, String name) {
        return o.longValue(name).orElseThrow(() -> new IllegalStateException("no " + name + " in " + o.toJson()));
    }

    /** Stops the gateway first, so that it logs its last requests, then the mocks. */
    @Override
    public void close() {
        services.stop(gateway);
        mocks.forEach(services::stop);
    }
}
