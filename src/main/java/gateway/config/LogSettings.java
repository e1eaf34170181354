package gateway.config;

import gateway.observe.Log;
import java.nio.file.Path;
import java.util.SequencedMap;

/**
 * Where the log goes, and how much of it.
 *
 * @param file     the log file, or {@code null} for standard output
 * @param maxBytes the size at which the file is rotated
 * @param maxFiles how many rotated files are kept
 * @param level    the lines below it are dropped
 */
public record LogSettings(Path file, long maxBytes, int maxFiles, Log.Level level) {

    static void defaults(SequencedMap<String, String> defaults) {
        defaults.put("LOG_LEVEL", "info");
        defaults.put("LOG_FILE", "");
        defaults.put("LOG_MAX_BYTES", "104857600");
        defaults.put("LOG_MAX_FILES", "5");
    }

    static LogSettings read(SettingValues v) {
        return new LogSettings(
                v.isSet("LOG_FILE") ? Path.of(v.raw("LOG_FILE").strip()) : null,
                v.integer("LOG_MAX_BYTES", 1024, Integer.MAX_VALUE),
                v.integer("LOG_MAX_FILES", 0, 1000),
                v.option("LOG_LEVEL", Log.Level.class, Log.Level.INFO));
    }

    void effective(SequencedMap<String, String> values) {
        values.put("LOG_LEVEL", SettingValues.spelling(level));
        values.put("LOG_FILE", file == null ? "" : file.toString());
        values.put("LOG_MAX_BYTES", Long.toString(maxBytes));
        values.put("LOG_MAX_FILES", Integer.toString(maxFiles));
    }

    /** As a reload leaves them: the level of {@code next}; the file, which a restart alone changes, of these. */
    LogSettings reloadedWith(LogSettings next) {
        return new LogSettings(file, maxBytes, maxFiles, next.level);
    }
}
