package gateway;

import gateway.config.Settings;
import gateway.config.SettingsException;
import gateway.mock.MockCommand;
import gateway.observe.Log;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar gateway.jar}: loads the settings, starts the gateway and stops it
 * cleanly on SIGTERM or Ctrl-C. {@code java -jar gateway.jar mock} starts the mock
 * backend instead ({@link MockCommand} reads its options).
 */
public final class Main {
    private static final String USAGE = """
            usage: java -jar gateway.jar [--env-file PATH] [--print-config]
                   java -jar gateway.jar mock [--help | OPTIONS]

            The gateway reads gateway.env from the working directory (or the file named by
            --env-file); environment variables override it. With no BACKEND_URL or BACKENDS it echoes.
            --print-config prints the settings in effect, secrets redacted, and exits.
            "mock" starts a mock inference server instead; "mock --help" lists its options.""";

    /** The one option without a value. */
    private static final String PRINT_CONFIG = "--print-config";

    /** Exit status for a bad setting or argument: the gateway never started. */
    private static final int BAD_CONFIGURATION = 2;

    private Main() {
    }

    public static void main(String[] args) {
        try {
            if (args.length > 0 && args[0].equals("mock")) {
                MockCommand.main(Arrays.copyOfRange(args, 1, args.length));
            } else {
                startGateway(options(args, 0));
            }
        } catch (SettingsException e) {
            System.err.println("gateway: " + e.getMessage());
            System.exit(BAD_CONFIGURATION);
        } catch (UncheckedIOException e) {
            System.err.println("gateway: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void startGateway(Map<String, String> options) {
        checkKnown(options, "--env-file", PRINT_CONFIG);
        boolean named = options.containsKey("--env-file");
        Path envFile = Path.of(options.getOrDefault("--env-file", "gateway.env"));
        Settings settings = Settings.load(envFile, named, System.getenv());
        if (options.containsKey(PRINT_CONFIG)) {
            settings.effective().forEach((key, value) -> System.out.println(key + "=" + value));
            return;
        }

        var logSettings = settings.log();
        Log log = logSettings.file() == null ? Log.toStandardOutput()
                : Log.toFile(logSettings.file(), logSettings.maxBytes(), logSettings.maxFiles());
        Gateway gateway = Gateway.start(settings, log);
        // Runs on SIGTERM and Ctrl-C: drain, let requests in flight finish, cut what is left.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("gateway_stopping", "grace_seconds", settings.server().shutdownGrace().toSeconds());
            gateway.close();
            log.info("gateway_stopped");
            // A JVM ended by a signal exits with 143 (128 + SIGTERM) even after a clean stop.
            // This one stopped cleanly, and every log line is written (the log is unbuffered),
            // so it ends with 0; halt, because exit would wait for this very hook.
            Runtime.getRuntime().halt(0);
        }));
        log.info("gateway_started", "url", gateway.uri().toString(), "mode", gateway.mode(),
                "env_file", named || envFile.toFile().exists() ? envFile.toString() : null,
                "java", Runtime.version().toString());
        var access = settings.access();
        if (access.apiKeys().isEmpty() && access.keysFile() == null) {
            warnOpen(log, settings.server().host());
        }
        if (!access.adminKey().isEmpty() && access.keysFile() == null) {
            log.warn("no_key_store", "message", "ADMIN_API_KEY is set without KEYS_FILE: the console shows keys and usage,"
                    + " but cannot create keys, and usage is lost at restart. Set KEYS_FILE.");
        }
        if (Runtime.version().feature() < 24) {
            log.warn("old_jdk", "message", "Running on JDK " + Runtime.version().feature()
                    + ": virtual threads pin on the HTTP server's locks before JDK 24; use JDK 24+ under load.");
        }
        // The server's dispatcher thread keeps the JVM running after main returns.
    }

    /** Without API_KEYS anyone who reaches the port may use the backend: say so, loudly off loopback. */
    private static void warnOpen(Log log, String host) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (loopback) {
            log.warn("no_api_keys", "message", "API_KEYS and KEYS_FILE are empty: any local process may use this gateway.");
        } else {
            log.warn("no_api_keys", "message", "API_KEYS is empty and HOST=" + host
                    + " is not a loopback address: ANYONE WHO CAN REACH THIS PORT CAN USE THE BACKEND. Set API_KEYS.");
        }
    }

    /** {@code --name value} pairs from {@code args[from..]}. */
    private static Map<String, String> options(String[] args, int from) {
        var options = new HashMap<String, String>();
        for (int i = from; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println(USAGE);
                System.exit(0);
            }
            if (args[i].equals(PRINT_CONFIG)) {
                options.put(PRINT_CONFIG, "");
                continue;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new SettingsException("unexpected argument '" + args[i] + "'\n" + USAGE);
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static void checkKnown(Map<String, String> options, String... known) {
        for (String name : options.keySet()) {
            if (!List.of(known).contains(name)) {
                throw new SettingsException("unknown option " + name + "\n" + USAGE);
            }
        }
    }
}
