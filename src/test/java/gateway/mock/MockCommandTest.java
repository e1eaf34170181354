package gateway.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code java -jar gateway.jar mock ...}: every option reaches its field, every mistake is named. */
class MockCommandTest {
    static MockCommand.Serve serve(Map<String, String> env, String... args) {
        return assertInstanceOf(MockCommand.Serve.class, MockCommand.parse(List.of(args), env));
    }

    @Test
    void withoutArgumentsItServesTheDefaultsOnPort8081OrPort() {
        assertEquals(new MockCommand.Serve("127.0.0.1", 8081, MockOptions.defaults()), serve(Map.of()));
        assertEquals(9000, serve(Map.of("PORT", "9000")).port());
        assertEquals(7000, serve(Map.of("PORT", "9000"), "--port", "7000").port(), "--port wins");
    }

    @Test
    void everyOptionReachesItsField() {
        var serve = serve(Map.of(), "--host", "0.0.0.0", "--port", "0", "--shape", "vendor-b", "--reply", "Hi there",
                "--model", "a, b", "--slots", "4", "--loading-ms", "1500", "--prefill-us-per-token", "250",
                "--cache-tokens", "8192", "--token-delay-ms", "20", "--first-byte-delay-ms", "30",
                "--error-rate", "0.1", "--rate-limit-rate", "0.2", "--cut-rate", "0.3", "--garbage-rate", "0.4",
                "--slow-rate", "0.5", "--slow-ms", "10-20");
        var expected = MockOptions.builder().shape(Shape.VENDOR_B).reply("Hi there").models("a", "b").slots(4)
                .loading(Duration.ofMillis(1500)).prefillPerToken(Duration.ofNanos(250_000)).cacheTokens(8192)
                .tokenDelay(Duration.ofMillis(20)).firstByteDelay(Duration.ofMillis(30))
                .errorRate(0.1).rateLimitRate(0.2).cutRate(0.3).garbageRate(0.4)
                .slowRate(0.5).slow(Duration.ofMillis(10), Duration.ofMillis(20)).build();
        assertEquals(new MockCommand.Serve("0.0.0.0", 0, expected), serve);
    }

    @Test
    void aMistakeIsNamedWithTheOptionItConcerns() {
        var cases = Map.ofEntries(
                Map.entry(List.of("--slots", "abc"), "--slots=abc: expected an integer 0 or more"),
                Map.entry(List.of("--cache-tokens", "-16"), "--cache-tokens=-16: expected an integer 0 or more"),
                Map.entry(List.of("--port", "70000"), "--port=70000: expected an integer 0..65535"),
                Map.entry(List.of("--error-rate", "2"), "--error-rate=2: expected a number from 0 to 1"),
                Map.entry(List.of("--slow-rate", "often"), "--slow-rate=often: expected a number from 0 to 1"),
                Map.entry(List.of("--shape", "grpc"), "--shape=grpc: expected one of openai, chat, vendor-a, vendor-b, vendor-c"),
                Map.entry(List.of("--slow-ms", "5000-2000"),
                        "--slow-ms=5000-2000: expected MIN-MAX in milliseconds, MIN <= MAX, such as 2000-5000"),
                Map.entry(List.of("--slow-ms", "3000"),
                        "--slow-ms=3000: expected MIN-MAX in milliseconds, MIN <= MAX, such as 2000-5000"),
                Map.entry(List.of("--model", "a,,b"), "--model=a,,b: expected model names separated by commas"),
                Map.entry(List.of("--replies", "x"), "unknown option --replies"),
                Map.entry(List.of("--reply"), "--reply needs a value"),
                Map.entry(List.of("--frob"), "unknown option --frob"),
                Map.entry(List.of("8081"), "unexpected argument '8081'"));
        cases.forEach((args, message) -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, () -> MockCommand.parse(args, Map.of())).getMessage()));
    }

    @Test
    void everyOptionTheUsageNamesIsKnown() {
        var names = Pattern.compile("--[a-z-]+").matcher(MockCommand.USAGE).results().map(m -> m.group())
                .filter(name -> !name.equals("--help") && !name.equals("--slow-ms")).distinct().toList();
        assertEquals(16, names.size(), names.toString());
        for (String name : names) {
            try {
                MockCommand.parse(List.of(name, "1"), Map.of());
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith(name + "=1: "), e.getMessage());
            }
        }
        assertInstanceOf(MockCommand.Serve.class, MockCommand.parse(List.of("--slow-ms", "1-2"), Map.of()));
    }

    @Test
    void helpPrintsTheUsageAndABadArgumentExitsWithStatus2() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "--slots", "2", "--help"));
        assertEquals(MockCommand.USAGE + "\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));

        out.reset();
        assertEquals(2, run(out, err, "--cut-rate", "x"));
        assertEquals("mock: --cut-rate=x: expected a number from 0 to 1 (try mock --help)\n",
                err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing started");
    }

    static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return MockCommand.run(List.of(args), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
