package gateway;

import gateway.config.Settings;
import gateway.config.SettingsException;
import gateway.observe.Log;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * What SIGHUP runs ({@code Main} installs it): the settings read again as at start (the same
 * env file, real environment variables still winning) and put in force in the running gateway
 * ({@link Gateway#reload}). Settings that cannot be read or used change nothing: the gateway
 * keeps those it has and logs {@code settings_reload_failed} with the reason. Each signal is
 * handled on a thread of its own, so reloads wait for each other: the last file read is in force.
 */
final class Reload {
    private final Gateway gateway;
    private final Supplier<Settings> load;
    private final Log log;

    /** @param load reads the settings as at start; throws {@link SettingsException} when they cannot be used */
    Reload(Gateway gateway, Supplier<Settings> load, Log log) {
        this.gateway = gateway;
        this.load = load;
        this.log = log;
    }

    /** Reads the settings and puts them in force, or says why not; never throws. */
    synchronized void run() {
        Settings next;
        try {
            next = load.get();
        } catch (SettingsException | UncheckedIOException e) {
            // A SettingsException names the key and what was expected, never a secret's value.
            failed(e.getMessage());
            return;
        }
        try {
            var change = gateway.reload(next);
            if (change.reloaded().contains("API_KEYS")) {
                Main.warnIfOpen(log, change.applied());
            }
        } catch (RuntimeException e) {
            // Gateway.reload makes a new router before it changes anything: one that cannot be made changes nothing.
            failed(e.toString());
        }
    }

    private void failed(String reason) {
        log.warn("settings_reload_failed", "reason", reason, "message", "The gateway keeps the settings it had.");
    }
}
