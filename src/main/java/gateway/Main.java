package gateway;

import gateway.config.Settings;
import gateway.config.SettingsException;
import gateway.mock.MockCommand;
import gateway.observe.Log;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar gateway.jar}: loads the settings, starts the gateway, reloads the settings
 * on SIGHUP and stops it cleanly on SIGTERM or Ctrl-C. {@code java -jar gateway.jar mock} starts the mock
 * backend instead ({@link MockCommand} reads its options). {@link CommandLine} reads the
 * arguments; this class acts on them.
 */
public final class Main {
    /** Exit status for a bad setting or argument: the gateway never started. */
    private static final int BAD_CONFIGURATION = 2;

    private Main() {
    }

    public static void main(String[] args) {
        CommandLine.Command command;
        try {
            command = CommandLine.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            // One line, not the whole usage: the mistake stays in sight above the prompt.
            System.err.println("gateway: " + e.getMessage() + " (try --help)");
            System.exit(BAD_CONFIGURATION);
            return;
        }
        switch (command) {
            case CommandLine.Help help -> System.out.println(CommandLine.USAGE);
            case CommandLine.Version version -> System.out.println(CommandLine.version());
            case CommandLine.Mock mock -> MockCommand.main(mock.args().toArray(String[]::new));
            case CommandLine.Start start -> {
                try {
                    startGateway(start);
                } catch (SettingsException e) {
                    System.err.println("gateway: " + e.getMessage());
                    System.exit(BAD_CONFIGURATION);
                } catch (UncheckedIOException e) {
                    System.err.println("gateway: " + e.getMessage());
                    System.exit(1);
                }
            }
        }
    }

    private static void startGateway(CommandLine.Start start) {
        boolean named = start.named();
        Path envFile = start.envFile();
        Settings settings = Settings.load(envFile, named, System.getenv());
        if (start.printConfig()) {
            settings.effective().forEach((key, value) -> System.out.println(key + "=" + value));
            return;
        }

        var logSettings = settings.log();
        Log log = logSettings.file() == null ? Log.toStandardOutput()
                : Log.toFile(logSettings.file(), logSettings.maxBytes(), logSettings.maxFiles());
        Gateway gateway = Gateway.start(settings, log);
        // Before the start is announced, so that a SIGHUP sent once it is never stops the JVM instead (its default).
        // A file there now must still be there at a reload: without it the defaults, and no keys, would apply.
        boolean required = named || Files.exists(envFile);
        onHangUp(new Reload(gateway, () -> Settings.load(envFile, required, System.getenv()), log), log);
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
                "java", Runtime.version().toString(), "version", CommandLine.gatewayVersion());
        warnIfOpen(log, settings);
        var access = settings.access();
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

    /**
     * Runs {@code reload} on every SIGHUP from now on. {@code sun.misc.Signal} (module
     * {@code jdk.unsupported}) is the JDK's only way to handle a signal; without it, the JVM
     * would stop on SIGHUP. Named in full rather than imported: an internal API, in plain sight
     * where it is used (and javadoc, which reads imports but not this body, has nothing to warn of).
     */
    private static void onHangUp(Reload reload, Log log) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload.run());
        } catch (IllegalArgumentException e) {
            // The JVM runs with -Xrs, or the system has no SIGHUP: settings then change with a restart only.
            log.warn("settings_reload_off", "message", "SIGHUP cannot be handled here (" + e.getMessage()
                    + "): settings change only with a restart.");
        }
    }

    /** Without API_KEYS or KEYS_FILE anyone who reaches the port may use the backend: say so, loudly off loopback. */
    static void warnIfOpen(Log log, Settings settings) {
        if (!settings.access().apiKeys().isEmpty() || settings.access().keysFile() != null) {
            return;
        }
        String host = settings.server().host();
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
}
