package gateway.config;

import gateway.observe.Log;
import java.util.List;

/**
 * What new settings change in the running ones, as a reload (SIGHUP) sees it: the keys whose
 * new values take effect at once, those that wait for a restart, and the settings to run
 * with. A restart alone changes where the gateway listens and how it treats connections, the
 * admin key and the key store, the log file, and OpenTelemetry: the server, the routes and
 * the exporter are set up once. Keys are only ever named, never shown: some are secrets.
 *
 * @param applied     the settings to run with: the new values of what reloads, the running ones of the rest
 * @param reloaded    the keys whose new values take effect now, in {@code gateway.env}'s order
 * @param needRestart the keys whose new values wait for the next start
 */
public record SettingsChange(Settings applied, List<String> reloaded, List<String> needRestart) {

    /**
     * {@return what {@code next} changes in {@code running}}
     *
     * @param running the settings in force
     * @param next    the settings read again, such as by {@link Settings#load}
     */
    public static SettingsChange between(Settings running, Settings next) {
        var applied = new Settings(running.server(), next.limits(), running.access().reloadedWith(next.access()),
                next.upstream(), next.routing(), running.log().reloadedWith(next.log()), running.telemetry());
        // What differs from the running settings now takes effect; what still differs from the new ones waits.
        return new SettingsChange(applied, running.changedKeys(applied), applied.changedKeys(next));
    }

    /**
     * Says what changed, by the keys' names: {@code settings_reloaded} (info),
     * {@code settings_reload_needs_restart} (warn), or {@code settings_unchanged} (info).
     *
     * @param log where the lines go
     */
    public void log(Log log) {
        if (!reloaded.isEmpty()) {
            log.info("settings_reloaded", "keys", String.join(",", reloaded));
        }
        if (!needRestart.isEmpty()) {
            log.warn("settings_reload_needs_restart", "keys", String.join(",", needRestart),
                    "message", "These settings changed, but take effect only when the gateway restarts.");
        }
        if (reloaded.isEmpty() && needRestart.isEmpty()) {
            log.info("settings_unchanged");
        }
    }
}
