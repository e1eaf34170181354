import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs wrk with {@code chat.lua} (a small chat request with an API key) and reads its RESULT line. */
final class Wrk {
    private static final Path SCRIPT = Path.of("scripts", "bench", "chat.lua");
    /** Beyond its own duration, how long wrk may take before it counts as hung: its timeout per request is 10 s. */
    private static final int GRACE_SECONDS = 30;

    /**
     * Latencies are wrk's, in microseconds, over every answer, failed ones included.
     *
     * @param requests     answers received, whatever their status
     * @param socketErrors connections that could not be made, reads and writes that failed, timeouts:
     *                     requests without an answer, not counted in {@code requests}
     * @param non2xx       answers with a status other than 2xx
     */
    record Result(long requests, long durationMicros, long socketErrors, long non2xx, long p50Micros, long p99Micros) {
        double perSecond() {
            return requests * 1e6 / durationMicros;
        }

        long errors() {
            return socketErrors + non2xx;
        }

        /** Answers with a 2xx status. */
        long succeeded() {
            return requests - non2xx;
        }

        /** "12 of 20345 answers not 2xx, 3 socket errors", or "" when nothing failed. */
        String failures() {
            if (requests == 0 && socketErrors == 0) {
                return "no request was made";
            }
            return errors() == 0 ? "" : String.format("%d of %d answers not 2xx, %d socket errors", non2xx, requests,
                    socketErrors);
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
     * {@code padBytes} lengthens the prompt. Requests that failed are counted in the result,
     * not thrown: the caller says what a figure measured on failures is worth. Throws when
     * wrk gives no result at all (it crashed, hung, or printed something else).
     */
    static Result run(URI url, int threads, int connections, int seconds, int padBytes)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("wrk", ".out");
        try {
            var builder = new ProcessBuilder(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                    "--timeout", "10s", "-s", SCRIPT.toString(), url.toString()))
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("BENCH_API_KEY", Bench.API_KEY);
            builder.environment().put("BENCH_PAD_BYTES", Integer.toString(padBytes));
            Process process = builder.start();
            if (!process.waitFor(seconds + GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IOException("wrk did not end within " + (seconds + GRACE_SECONDS) + " s");
            }
            return parse(Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The figures of chat.lua's line {@code RESULT requests=N duration_us=N ...}. */
    static Result parse(String output) throws IOException {
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IOException("wrk printed no result: " + lastLine(output)));
        Map<String, Long> fields = new HashMap<>();
        for (String pair : line.substring("RESULT ".length()).split(" ")) {
            String[] kv = pair.split("=", 2);
            try {
                fields.put(kv[0], Long.parseLong(kv[1]));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IOException("wrk's result is malformed at \"" + pair + "\": " + line);
            }
        }
        for (String name : List.of("requests", "duration_us", "socket_errors", "non2xx", "p50_us", "p99_us")) {
            if (!fields.containsKey(name)) {
                throw new IOException("wrk's result has no " + name + ": " + line);
            }
        }
        return new Result(fields.get("requests"), fields.get("duration_us"), fields.get("socket_errors"),
                fields.get("non2xx"), fields.get("p50_us"), fields.get("p99_us"));
    }

    private static String lastLine(String output) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "(no output)" : lines.getLast().strip();
    }
}
