package gateway;

import gateway.config.Settings;
import gateway.config.SettingsChange;
import gateway.observe.Log;
import java.util.function.Supplier;

/**
 * The settings in force. The endpoints ask for them at each request ({@link #get}), so that a
 * reload reaches the very next one: its API keys, its rate and request limits. Where the
 * gateway listens and how it stops stay as it started: a reload never changes them.
 */
final class LiveSettings implements Supplier<Settings> {
    private volatile Settings current;
    private final Log log;

    /** Sets the log's level too (LOG_LEVEL). */
    LiveSettings(Settings first, Log log) {
        this.current = first;
        this.log = log;
        log.level(first.log().level());
    }

    @Override
    public Settings get() {
        return current;
    }

    /**
     * Puts {@code next} in force as far as a running gateway can ({@link SettingsChange}), and
     * logs what changed. The new router, when backends or routing changed, is made first: one
     * that cannot be made leaves everything as it was. The lines about the reload are written
     * at the log level in force before it. Reloads run one at a time.
     */
    synchronized SettingsChange reload(Settings next, WorkerSwitch worker) {
        var change = SettingsChange.between(current, next);
        worker.follow(change.applied());
        current = change.applied();
        change.log(log);
        log.level(current.log().level());
        return change;
    }
}
