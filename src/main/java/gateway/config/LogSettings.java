package gateway.config;

import java.nio.file.Path;
import java.util.SequencedMap;

/**
 * Where the log goes.
 *
 * @param file     the log file, or {@code null} for standard output
 * @param maxBytes the size at which the file is rotated
 * @param maxFiles how many rotated files are kept
 */
public record LogSettings(Path file, long maxBytes, int maxFiles) {

    static void defaults(SequencedMap<String, String> defaults) {
        defaults.put("LOG_FILE", "");
        defaults.put("LOG_MAX_BYTES", "104857600");
        defaults.put("LOG_MAX_FILES", "5");
    }

    static LogSettings read(SettingValues v) {
        return new LogSettings(
                v.isSet("LOG_FILE") ? Path.of(v.raw("LOG_FILE").strip()) : null,
                v.integer("LOG_MAX_BYTES", 1024, Integer.MAX_VALUE),
                v.integer("LOG_MAX_FILES", 0, 1000));
    }

    void effective(SequencedMap<String, String> values) {
        values.put("LOG_FILE", file == null ? "" : file.toString());
        values.put("LOG_MAX_BYTES", Long.toString(maxBytes));
        values.put("LOG_MAX_FILES", Integer.toString(maxFiles));
    }
}
