import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs wrk with {@code chat.lua} (a small chat request with an API key) and reads its RESULT line. */
final class Wrk {
    private static final Path SCRIPT = Path.of("scripts", "bench", "chat.lua");

    /** Latencies are wrk's, in microseconds; errors are socket errors plus non-2xx answers. */
    record Result(long requests, long durationMicros, long errors, long p50Micros, long p99Micros) {
        double perSecond() {
            return requests * 1e6 / durationMicros;
        }
    }

    private Wrk() {
    }

    /** Whether {@code wrk} can be started (it exits with 1 after printing its version). */
    static boolean installed() {
        try {
            new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor();
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * {@code threads} threads keep {@code connections} connections busy for {@code seconds};
     * {@code padBytes} lengthens the prompt. Fails when any request failed: a figure
     * measured on errors would flatter the target.
     */
    static Result run(URI url, int threads, int connections, int seconds, int padBytes)
            throws IOException, InterruptedException {
        var builder = new ProcessBuilder(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "-s", SCRIPT.toString(), url.toString())).redirectErrorStream(true);
        builder.environment().put("BENCH_API_KEY", Bench.API_KEY);
        builder.environment().put("BENCH_PAD_BYTES", Integer.toString(padBytes));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IOException("wrk printed no result:\n" + output));
        Map<String, Long> fields = new HashMap<>();
        for (String pair : line.substring("RESULT ".length()).split(" ")) {
            String[] kv = pair.split("=");
            fields.put(kv[0], Long.parseLong(kv[1]));
        }
        var result = new Result(fields.get("requests"), fields.get("duration_us"),
                fields.get("socket_errors") + fields.get("non2xx"), fields.get("p50_us"), fields.get("p99_us"));
        if (result.errors() > 0 || result.requests() == 0) {
            throw new IOException("wrk against " + url + " saw " + result.errors() + " failed requests:\n" + output);
        }
        return result;
    }
}
