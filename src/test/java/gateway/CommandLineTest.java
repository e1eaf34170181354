package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.CommandLine.Help;
import gateway.CommandLine.Mock;
import gateway.CommandLine.Start;
import gateway.CommandLine.Version;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code gateway [ARGUMENTS]}: what each line asks for, and each mistake in one line. */
class CommandLineTest {
    static CommandLine.Command parse(String... args) {
        return CommandLine.parse(List.of(args));
    }

    @Test
    void eachLineNamesItsCommand() {
        var cases = Map.of(
                List.<String>of(), new Start(Path.of("gateway.env"), false, false),
                List.of("--print-config"), new Start(Path.of("gateway.env"), false, true),
                List.of("--env-file", "prod.env", "--print-config"), new Start(Path.of("prod.env"), true, true),
                List.of("--help"), new Help(),
                List.of("-h"), new Help(),
                List.of("--env-file", "prod.env", "--version"), new Version(),
                List.of("mock"), new Mock(List.of()),
                List.of("mock", "--port", "0", "--frob"), new Mock(List.of("--port", "0", "--frob")));
        cases.forEach((args, command) -> assertEquals(command, CommandLine.parse(args), args.toString()));
    }

    @Test
    void aMistakeIsOneLineNamingIt() {
        var cases = Map.of(
                List.of("--frob"), "unknown option --frob",
                List.of("-x"), "unknown option -x",
                List.of("serve"), "unexpected argument 'serve'",
                List.of("--print-config", "mock"), "unexpected argument 'mock'",
                List.of("--env-file"), "--env-file needs a value");
        cases.forEach((args, message) -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(args)).getMessage()));
    }

    @Test
    void theUsageNamesEveryOptionItAccepts() {
        var options = Pattern.compile("--[a-z-]+").matcher(CommandLine.USAGE).results().map(m -> m.group())
                .filter(option -> !option.equals("--OPTION")).distinct().sorted().toList();
        assertEquals(List.of("--env-file", "--help", "--print-config", "--version"), options);
        for (String section : List.of("Quick start", "Deploy", "Configuration")) {
            assertTrue(CommandLine.USAGE.contains('"' + section + '"'), section);
        }
    }

    @Test
    void theVersionNamesTheBuildAndTheRuntime() {
        // From classes, as here, there is no manifest: the version is "dev".
        assertEquals("gateway dev (Java " + System.getProperty("java.version") + ", "
                + System.getProperty("java.vendor") + ")", CommandLine.version());
    }
}
