package gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.SequencedMap;
import java.util.function.UnaryOperator;

/**
 * The inference servers the gateway sends requests to, and how it talks to them. None
 * means echo mode. {@code BACKEND_URL} declares one, named {@code default}, that takes
 * every model; {@code BACKENDS} declares several by name (see {@link BackendSettings}).
 *
 * @param backends       the backends, in the order declared; empty in echo mode
 * @param timeout        how long to wait for response headers, and the longest silence of a reply
 * @param connectTimeout how long to wait for a connection
 * @param defaultModel   the model used when a request names none; may be empty
 * @param echoTokenDelay the pause between words of a streamed echo reply
 * @param modelsCacheTime how long a backend's model list is reused
 */
public record UpstreamSettings(List<BackendSettings> backends, Duration timeout, Duration connectTimeout,
        String defaultModel, Duration echoTokenDelay, Duration modelsCacheTime) {

    static void defaults(SequencedMap<String, String> defaults) {
        defaults.put("BACKEND_URL", "");
        defaults.put("BACKEND_API_KEY", "");
        defaults.put("BACKENDS", "");
        defaults.put("BACKEND_TIMEOUT_SECONDS", "60");
        defaults.put("BACKEND_CONNECT_TIMEOUT_SECONDS", "10");
        defaults.put("DEFAULT_MODEL", "");
        defaults.put("ECHO_TOKEN_DELAY_MS", "20");
        defaults.put("MODELS_CACHE_SECONDS", "30");
    }

    static UpstreamSettings read(SettingValues v) {
        URI single = v.url("BACKEND_URL", true);
        List<String> names = names(v);
        if (single != null && !names.isEmpty()) {
            throw new SettingsException("BACKEND_URL and BACKENDS are both set: use BACKEND_URL for one backend, "
                    + "or BACKENDS with BACKEND_<NAME>_URL for each of several");
        }
        if (!names.isEmpty() && v.isSet("BACKEND_API_KEY")) {
            throw new SettingsException("BACKEND_API_KEY goes with BACKEND_URL; with BACKENDS, set BACKEND_<NAME>_API_KEY");
        }
        checkBackendKeys(v, names);
        var backends = new ArrayList<BackendSettings>();
        if (single != null) {
            backends.add(BackendSettings.single(single, v.raw("BACKEND_API_KEY").strip()));
        }
        names.forEach(name -> backends.add(BackendSettings.read(name, v)));
        if (!backends.isEmpty() && backends.stream().noneMatch(b -> b.role() == BackendSettings.Role.PRIMARY)) {
            throw new SettingsException("BACKENDS=" + v.raw("BACKENDS") + ": every backend has ROLE=fallback; at least one must be primary");
        }
        return new UpstreamSettings(List.copyOf(backends),
                v.seconds("BACKEND_TIMEOUT_SECONDS", 1, 86_400),
                v.seconds("BACKEND_CONNECT_TIMEOUT_SECONDS", 1, 3_600),
                v.raw("DEFAULT_MODEL").strip(),
                Duration.ofMillis(v.integer("ECHO_TOKEN_DELAY_MS", 0, 60_000)),
                v.seconds("MODELS_CACHE_SECONDS", 0, 86_400));
    }

    /** The names in BACKENDS, lower case, each once. */
    static List<String> names(SettingValues v) {
        var names = new ArrayList<String>();
        var keys = new HashSet<String>();
        for (String item : v.list("BACKENDS")) {
            String name = item.toLowerCase(Locale.ROOT);
            if (!name.matches(BackendSettings.NAME)) {
                throw v.invalid("BACKENDS", "'" + item + "' is not a backend name (letters and digits, joined by '-')");
            } else if (name.equals(BackendSettings.SINGLE)) {
                throw v.invalid("BACKENDS", "'default' is the name of the BACKEND_URL backend; choose another");
            } else if (!keys.add(BackendSettings.prefix(name))) {
                throw v.invalid("BACKENDS", "'" + item + "' is named twice");
            }
            names.add(name);
        }
        return names;
    }

    /** True when {@code key} is one of the keys of a backend named in {@code names}. */
    static boolean isKeyOf(String key, List<String> names) {
        return names.stream().anyMatch(name -> key.startsWith(BackendSettings.prefix(name)));
    }

    /** Every BACKEND_* key that is not a fixed one must be a known key of a declared backend. */
    private static void checkBackendKeys(SettingValues v, List<String> names) {
        for (String key : v.raw().keySet()) {
            if (!key.startsWith("BACKEND_") || Settings.DEFAULTS.containsKey(key)) {
                continue;
            }
            var declared = names.stream().map(BackendSettings::prefix).filter(key::startsWith).toList();
            if (declared.isEmpty()) {
                throw new SettingsException(names.isEmpty()
                        ? key + ": unknown setting (a backend's own keys need its name in BACKENDS)"
                        : key + ": names no backend of BACKENDS=" + String.join(",", names));
            }
            if (declared.stream().noneMatch(prefix -> BackendSettings.FIELDS.contains(key.substring(prefix.length())))) {
                throw new SettingsException(key + ": not a backend setting (each backend has "
                        + String.join(", ", BackendSettings.FIELDS) + ")");
            }
        }
    }

    /** {@return true when no backend is set and the gateway answers by itself} */
    public boolean echoMode() {
        return backends.isEmpty();
    }

    /** True when the one backend is BACKEND_URL's. */
    boolean single() {
        return backends.size() == 1 && backends.getFirst().name().equals(BackendSettings.SINGLE);
    }

    void effective(SequencedMap<String, String> values, UnaryOperator<String> secret) {
        BackendSettings first = single() ? backends.getFirst() : null;
        values.put("BACKEND_URL", first == null ? "" : first.url().toString());
        values.put("BACKEND_API_KEY", first == null || first.apiKey().isEmpty() ? "" : secret.apply(first.apiKey()));
        values.put("BACKENDS", first != null ? "" : String.join(",", backends.stream().map(BackendSettings::name).toList()));
        if (first == null) {
            backends.forEach(backend -> backend.effective(values, secret));
        }
        values.put("BACKEND_TIMEOUT_SECONDS", Long.toString(timeout.toSeconds()));
        values.put("BACKEND_CONNECT_TIMEOUT_SECONDS", Long.toString(connectTimeout.toSeconds()));
        values.put("DEFAULT_MODEL", defaultModel);
        values.put("ECHO_TOKEN_DELAY_MS", Long.toString(echoTokenDelay.toMillis()));
        values.put("MODELS_CACHE_SECONDS", Long.toString(modelsCacheTime.toSeconds()));
    }
}
