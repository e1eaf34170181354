package gateway;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code gateway [ARGUMENTS]} asks for. {@link #parse} only reads the arguments, so that
 * tests can check every case; {@code Main} acts on the result and chooses the exit status.
 */
final class CommandLine {
    static final String USAGE = """
            usage: gateway [--env-file PATH] [--print-config]
                   gateway mock [--help | --OPTION VALUE...]
                   gateway --help | --version

            "gateway" is bin/gateway in the package, java -jar gateway.jar, or scripts/run.sh.

            Commands:
              (none)            start the gateway; with no BACKEND_URL or BACKENDS it echoes
              mock              start a mock inference server instead; "mock --help" lists its options

            Options:
              --env-file PATH   read the settings from PATH instead of ./gateway.env (it must exist)
              --print-config    print the settings in effect, secrets redacted, and exit
              --help, -h        print this and exit
              --version         print the gateway's and the Java runtime's versions and exit

            Settings: built-in defaults, then gateway.env in the working directory (each line
            documents one key), then environment variables, which win. SIGHUP (kill -HUP) reads
            them again: keys, limits, backends and the log level change without a restart.
            More: see README.md, sections "Quick start", "Deploy", "Configuration" and "The API".""";

    /** The file read when no {@code --env-file} is given, from the working directory. */
    static final Path DEFAULT_ENV_FILE = Path.of("gateway.env");

    /** The command a line of arguments names. */
    sealed interface Command permits Help, Version, Mock, Start {
    }

    record Help() implements Command {
    }

    record Version() implements Command {
    }

    /** The mock, with the arguments after {@code mock}: {@code MockCommand} reads those. */
    record Mock(List<String> args) implements Command {
    }

    /** Start the gateway (or print its settings); {@code named}: the file came from {@code --env-file}. */
    record Start(Path envFile, boolean named, boolean printConfig) implements Command {
    }

    private CommandLine() {
    }

    /**
     * Reads the arguments. A mistake is an {@link IllegalArgumentException} whose message is
     * one line naming it, such as {@code unknown option --frob}.
     */
    static Command parse(List<String> args) {
        if (!args.isEmpty() && args.getFirst().equals("mock")) {
            return new Mock(List.copyOf(args.subList(1, args.size())));
        }
        Path envFile = null;
        boolean printConfig = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    return new Help();
                }
                case "--version" -> {
                    return new Version();
                }
                case "--print-config" -> printConfig = true;
                case "--env-file" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--env-file needs a value");
                    }
                    envFile = Path.of(args.get(++i));
                }
                default -> throw new IllegalArgumentException(arg.startsWith("-")
                        ? "unknown option " + arg : "unexpected argument '" + arg + "'");
            }
        }
        return new Start(envFile == null ? DEFAULT_ENV_FILE : envFile, envFile != null, printConfig);
    }

    /** {@code gateway 0.1.0 (Java 25.0.1, Eclipse Adoptium)}: which build runs, on which runtime. */
    static String version() {
        return "gateway " + gatewayVersion() + " (Java " + System.getProperty("java.version") + ", "
                + System.getProperty("java.vendor") + ")";
    }

    /** The jar's Implementation-Version (Maven writes the pom's version there); "dev" from classes. */
    static String gatewayVersion() {
        String version = CommandLine.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
