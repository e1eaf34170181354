package gateway;

import gateway.access.InFlightLimit;
import gateway.access.RateLimiter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.function.Function;

/** Typed reads of raw values; each failure names the key, the value and what was expected. */
record SettingValues(Map<String, String> raw) {
    String raw(String key) {
        return raw.get(key);
    }

    String nonEmpty(String key) {
        String value = raw.get(key).strip();
        if (value.isEmpty()) {
            throw invalid(key, "expected a value");
        }
        return value;
    }

    int integer(String key, int min, int max) {
        try {
            int value = Integer.parseInt(raw.get(key).strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw invalid(key, "expected an integer " + min + ".." + max);
    }

    /** An http(s) base address; a trailing {@code /} or {@code /v1} is dropped. */
    URI backendUrl(String key) {
        String value = raw.get(key).strip();
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
            base = base.endsWith("/v1") ? base.substring(0, base.length() - 3) : base;
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
            return parser.apply(raw.get(key));
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key + ": " + e.getMessage());
        }
    }

    /** 0 means as many as this JVM's heap holds: see {@link InFlightLimit#forHeap}. */
    int maxRequestsInFlight(String key) {
        int limit = integer(key, 0, 1_000_000);
        return limit > 0 ? limit : InFlightLimit.forHeap(Runtime.getRuntime().maxMemory());
    }

    /** RATE_LIMIT_BURST 0 means a whole minute's requests may come at once. */
    RateLimiter.Limits rateLimits() {
        int rpm = integer("RATE_LIMIT_RPM", 0, 1_000_000);
        int burst = integer("RATE_LIMIT_BURST", 0, 1_000_000);
        return new RateLimiter.Limits(rpm, burst == 0 ? rpm : burst, integer("RATE_LIMIT_TPM", 0, 1_000_000_000));
    }

    private SettingsException invalid(String key, String expected) {
        return new SettingsException(key + "=" + raw.get(key) + ": " + expected);
    }
}
