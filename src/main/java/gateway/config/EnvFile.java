package gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .env} file: {@code KEY=value} lines, blank lines, {@code #} comments,
 * an optional {@code export } prefix, and values optionally in single or double quotes
 * (quotes are taken off; nothing inside them is interpreted). An unquoted value ends
 * at a {@code " #"} comment.
 */
final class EnvFile {
    private EnvFile() {
    }

    static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SettingsException("cannot read " + file + ": " + e.getMessage());
        }
        var values = new LinkedHashMap<String, String>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).stripLeading();
            }
            int equals = line.indexOf('=');
            String where = file + ":" + (i + 1) + ": ";
            if (equals <= 0) {
                // The line itself is not repeated: it may be a secret missing its KEY=, and this message reaches the log.
                throw new SettingsException(where + "expected KEY=value, found a line without '='");
            }
            String key = line.substring(0, equals).strip();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new SettingsException(where + "'" + key + "' is not a valid key name");
            }
            values.put(key, unquote(line.substring(equals + 1).strip(), where));
        }
        return values;
    }

    private static String unquote(String value, String where) {
        if (value.startsWith("\"") || value.startsWith("'")) {
            char quote = value.charAt(0);
            int end = value.indexOf(quote, 1);
            if (end < 0) {
                throw new SettingsException(where + "missing closing " + quote);
            }
            String rest = value.substring(end + 1).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new SettingsException(where + "unexpected text after the closing quote");
            }
            return value.substring(1, end);
        }
        int comment = value.indexOf(" #");
        return comment >= 0 ? value.substring(0, comment).strip() : value;
    }
}
