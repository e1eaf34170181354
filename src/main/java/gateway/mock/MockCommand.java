package gateway.mock;

import gateway.observe.Log;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code gateway mock ...} ({@code java -jar gateway.jar mock ...}): reads the mock's command line and starts it. Its
 * options live here rather than in the gateway's {@code Main}, so that the mock grows
 * without touching the gateway's own start-up.
 */
public final class MockCommand {
    static final String USAGE = """
            usage: gateway mock [--OPTION VALUE]...

            A stand-in for llama.cpp's llama-server, vLLM and simple "prompt" servers, to test
            and benchmark the gateway without a GPU.

              --host HOST               address to listen on (127.0.0.1)
              --port N                  port to listen on (else $PORT, else 8081; 0 picks a free one)
              --shape NAME              the API it imitates (openai):
                  openai    POST /v1/chat/completions, whole or streamed; GET /v1/models
                  chat      POST /chat {"prompt","max_new_tokens","temperature","top_p"} -> {"response"}
                  vendor-a  POST /vendor-a/messages {"prompt","system_prompt","model"}
                            -> {"outputText","tokensIn","tokensOut","latencyMS"}
                  vendor-b  POST /vendor-b/messages (the same)
                            -> {"choices":[{"message":{"content"}}],"usage":{"input_tokens","output_tokens"}}
                  vendor-c  POST /vendor-c/messages (the same) -> {"response":"You entered: <prompt>"}
              --reply TEXT              the reply (Mock)
              --model NAME[,NAME...]    the model ids GET /v1/models lists (mock-model); a reply names
                                        the request's model, else the first
              --slots N                 requests generating at once, the others wait in turn (0: no limit)
              --loading-ms N            answer 503 "Loading model" for N ms after the start (0)
              --prefill-us-per-token N  time to process a prompt token not in the prefix cache (0)
              --cache-tokens N          prefix cache size in tokens, kept in blocks of 16, LRU (0: none)
              --token-delay-ms N        pause between streamed words (0)
              --first-byte-delay-ms N   pause before answering at all (0)

            Faults: each rate R, from 0 to 1, is the chance that a request meets it (0).
              --error-rate R            500 "injected failure"
              --rate-limit-rate R       429; openai: Retry-After: 1; prompt shapes: {"retryAfterMs":1000}
              --cut-rate R              a stream ends half-way, without [DONE]
              --garbage-rate R          a line that is not Server-Sent Events in the middle of a stream
              --slow-rate R             the first byte comes later, by a random time in --slow-ms
              --slow-ms MIN-MAX         range of that delay in ms (2000-5000)

            A prompt's tokens are its messages rendered as "role\\ntext\\n", 4 characters each.
            Every shape serves GET /health (503 while loading) and GET /mock/stats (counters).""";

    /** Exit status for a bad argument: the mock never started. */
    static final int BAD_ARGUMENT = 2;

    private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)");

    /** What a command line asks for. */
    sealed interface Invocation permits Help, Serve {
    }

    record Help() implements Invocation {
    }

    record Serve(String host, int port, MockOptions options) implements Invocation {
    }

    private MockCommand() {
    }

    /** The entry point {@code Main} hands the arguments after {@code mock} to. */
    public static void main(String[] args) {
        int status = run(List.of(args), System.getenv(), System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
        // A started mock's server thread keeps the JVM running.
    }

    /** Prints the usage, or an error, or starts the mock; returns the exit status. */
    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        Invocation invocation;
        try {
            invocation = parse(args, env);
        } catch (IllegalArgumentException e) {
            // One line, like the gateway's own: the mistake stays in sight above the prompt.
            err.println("mock: " + e.getMessage() + " (try mock --help)");
            return BAD_ARGUMENT;
        }
        return switch (invocation) {
            case Help help -> {
                out.println(USAGE);
                yield 0;
            }
            case Serve serve -> start(serve, out, err);
        };
    }

    private static int start(Serve serve, PrintStream out, PrintStream err) {
        MockBackend mock;
        try {
            mock = MockBackend.start(serve.host(), serve.port(), serve.options());
        } catch (UncheckedIOException e) {
            err.println("mock: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(mock::close));
        // scripts/e2e.sh reads the url right after the event name.
        new Log(out::println).info("mock_backend_started", "url", mock.uri().toString(),
                "shape", serve.options().shape().id());
        return 0;
    }

    /** Reads {@code --name value} pairs; a bad one is an {@link IllegalArgumentException} naming it. */
    static Invocation parse(List<String> args, Map<String, String> env) {
        String host = "127.0.0.1";
        String port = env.getOrDefault("PORT", "8081");
        var options = MockOptions.builder();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (name.equals("--help") || name.equals("-h")) {
                return new Help();
            }
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + name + "'");
            }
            if (i + 1 >= args.size()) {
                // The usage lists every option as "  --name VALUE": a last word it lacks is a typo, not a short line.
                throw new IllegalArgumentException(USAGE.contains("  " + name + " ")
                        ? name + " needs a value" : "unknown option " + name);
            }
            String value = args.get(++i);
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = value;
                case "--shape" -> options.shape(Shape.named(value).orElseThrow(() -> bad(name, value, "expected one of "
                        + Arrays.stream(Shape.values()).map(Shape::id).collect(Collectors.joining(", ")))));
                case "--reply" -> options.reply(value);
                case "--model" -> options.models(models(name, value));
                case "--slots" -> options.slots(count(name, value));
                case "--loading-ms" -> options.loading(Duration.ofMillis(count(name, value)));
                case "--prefill-us-per-token" -> options.prefillPerToken(Duration.of(count(name, value), ChronoUnit.MICROS));
                case "--cache-tokens" -> options.cacheTokens(count(name, value));
                case "--token-delay-ms" -> options.tokenDelay(Duration.ofMillis(count(name, value)));
                case "--first-byte-delay-ms" -> options.firstByteDelay(Duration.ofMillis(count(name, value)));
                case "--error-rate" -> options.errorRate(rate(name, value));
                case "--rate-limit-rate" -> options.rateLimitRate(rate(name, value));
                case "--cut-rate" -> options.cutRate(rate(name, value));
                case "--garbage-rate" -> options.garbageRate(rate(name, value));
                case "--slow-rate" -> options.slowRate(rate(name, value));
                case "--slow-ms" -> slowRange(options, name, value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new Serve(host, port(port), options.build());
    }

    private static List<String> models(String name, String value) {
        List<String> models = Arrays.stream(value.split(",", -1)).map(String::strip).toList();
        if (models.contains("")) {
            throw bad(name, value, "expected model names separated by commas");
        }
        return models;
    }

    private static int port(String value) {
        int port = count("--port", value);
        if (port > 65_535) {
            throw bad("--port", value, "expected an integer 0..65535");
        }
        return port;
    }

    private static int count(String name, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(name, value, "expected an integer 0 or more");
    }

    private static double rate(String name, String value) {
        try {
            double rate = Double.parseDouble(value.strip());
            if (rate >= 0 && rate <= 1) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(name, value, "expected a number from 0 to 1");
    }

    private static void slowRange(MockOptionsBuilder options, String name, String value) {
        Matcher range = RANGE.matcher(value.strip());
        if (range.matches()) {
            try {
                long min = Long.parseLong(range.group(1));
                long max = Long.parseLong(range.group(2));
                if (min <= max) {
                    options.slow(Duration.ofMillis(min), Duration.ofMillis(max));
                    return;
                }
            } catch (NumberFormatException e) {
                // too many digits: reported below
            }
        }
        throw bad(name, value, "expected MIN-MAX in milliseconds, MIN <= MAX, such as 2000-5000");
    }

    /** The one template for a bad value, as the gateway's settings word it. */
    private static IllegalArgumentException bad(String name, String value, String expected) {
        return new IllegalArgumentException(name + "=" + value + ": " + expected);
    }
}
