package gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed reads of raw values; each failure names the key, the value and what was expected.
 * Every key read must be present: the defaults put every fixed key there first.
 */
record SettingValues(Map<String, String> raw) {
    String raw(String key) {
        return raw.getOrDefault(key, "");
    }

    boolean isSet(String key) {
        return !raw(key).isBlank();
    }

    String nonEmpty(String key) {
        String value = raw(key).strip();
        if (value.isEmpty()) {
            throw invalid(key, "expected a value");
        }
        return value;
    }

    int integer(String key, int min, int max) {
        try {
            int value = Integer.parseInt(raw(key).strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw invalid(key, "expected an integer " + min + ".." + max);
    }

    /** {@code true}/{@code false}, also written {@code on}/{@code off}, {@code yes}/{@code no} or {@code 1}/{@code 0}. */
    boolean flag(String key) {
        return switch (raw(key).strip().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw invalid(key, "expected true or false");
        };
    }

    Duration seconds(String key, int min, int max) {
        return Duration.ofSeconds(integer(key, min, max));
    }

    /**
     * One of an enum's constants, written as settings write them: {@code least-loaded} for
     * {@code LEAST_LOADED}, in any case; {@code fallback} when the value is blank.
     */
    <E extends Enum<E>> E option(String key, Class<E> type, E fallback) {
        String value = raw(key).strip();
        if (value.isEmpty()) {
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (spelling(constant).equalsIgnoreCase(value)) {
                return constant;
            }
        }
        var choices = new ArrayList<String>();
        for (E constant : type.getEnumConstants()) {
            choices.add(spelling(constant));
        }
        throw invalid(key, "expected one of " + String.join(", ", choices));
    }

    /** How a setting writes an enum constant: {@code LEAST_LOADED} is {@code least-loaded}. */
    static String spelling(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The comma-separated items of a value, stripped, without empty ones. */
    List<String> list(String key) {
        var items = new ArrayList<String>();
        for (String item : raw(key).split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    /**
     * An http(s) base address, or null when empty. For an OpenAI-compatible server a
     * trailing {@code /v1} is dropped, as the gateway adds it to every path.
     */
    URI url(String key, boolean dropV1) {
        String value = raw(key).strip();
        if (value.isEmpty()) {
            return null;
        }
        String expected = "expected an http:// or https:// URL such as http://127.0.0.1:8081 or https://api.openai.com/v1";
        try {
            URI uri = new URI(value);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw invalid(key, expected);
            }
            String base = value.replaceAll("/+$", "");
            base = dropV1 && base.endsWith("/v1") ? base.substring(0, base.length() - 3) : base;
            return new URI(base);
        } catch (URISyntaxException e) {
            throw invalid(key, expected);
        }
    }

    /**
     * A value read by {@code parser}, whose {@link IllegalArgumentException} names the fault.
     * The value itself is not repeated: for API_KEYS, a bad entry is reported by position,
     * never by value, as keys are secrets.
     */
    <T> T parsed(String key, Function<String, T> parser) {
        try {
            return parser.apply(raw(key));
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key + ": " + e.getMessage());
        }
    }

    SettingsException invalid(String key, String expected) {
        return new SettingsException(key + "=" + shown(key, raw(key)) + ": " + expected);
    }

    /**
     * A value as an error message may show it, since the message reaches the log (a failed
     * reload): a key's value never, a URL without its {@code user:password@}.
     */
    static String shown(String key, String value) {
        if (key.endsWith("API_KEY") || key.endsWith("API_KEYS") || key.endsWith("HEADERS")) {
            return Settings.REDACTED;
        }
        return value.replaceAll("//[^/@]*@", "//" + Settings.REDACTED + "@");
    }
}
