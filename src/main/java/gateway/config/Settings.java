package gateway.config;

import gateway.keys.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.function.UnaryOperator;

/**
 * Every option of the gateway, read once at start: built-in defaults, then the
 * {@code .env} file ({@code gateway.env}), then real environment variables, which win.
 * {@code gateway.env} at the project's top level documents each key. The options are
 * grouped by concern; each group's file lists its keys, their defaults and their rules.
 *
 * @param server   where it listens and how it treats connections
 * @param limits   how much one request, and all together, may ask
 * @param access   API keys, rate limits and the admin key
 * @param upstream the backends and how to talk to them
 * @param routing  how requests are spread over the backends
 * @param log       where the log goes
 * @param telemetry where traces and metrics are exported (OpenTelemetry)
 */
public record Settings(ServerSettings server, LimitSettings limits, AccessSettings access, UpstreamSettings upstream,
        RoutingSettings routing, LogSettings log, TelemetrySettings telemetry) {

    /** What {@link #effective()} shows in place of a secret. */
    static final String REDACTED = "<redacted>";

    /**
     * Every fixed key with its default, in the order {@code gateway.env} documents them.
     * Each backend's own {@code BACKEND_<NAME>_*} keys come in addition (see {@link BackendSettings}).
     */
    public static final SequencedMap<String, String> DEFAULTS = defaultValues();

    private static SequencedMap<String, String> defaultValues() {
        var defaults = new LinkedHashMap<String, String>();
        ServerSettings.defaults(defaults);
        UpstreamSettings.defaults(defaults);
        RoutingSettings.defaults(defaults);
        LimitSettings.defaults(defaults);
        AccessSettings.defaults(defaults);
        LogSettings.defaults(defaults);
        TelemetrySettings.defaults(defaults);
        return defaults;
    }

    /** {@return the built-in defaults: an echo gateway on 127.0.0.1:8080} */
    public static Settings defaults() {
        return from(Map.of());
    }

    /**
     * Settings from {@code KEY -> value} pairs over the defaults, parsed and checked as
     * the {@code .env} file would be.
     *
     * @param values keys as {@code gateway.env} writes them, and their values as text
     * @return the settings
     * @throws SettingsException for an unknown key or a value that cannot be used
     */
    public static Settings from(Map<String, String> values) {
        var merged = new HashMap<>(DEFAULTS);
        values.forEach((key, value) -> {
            if (!DEFAULTS.containsKey(key) && !key.startsWith("BACKEND_")) {
                throw new SettingsException("unknown setting " + key + " (known: " + String.join(", ", DEFAULTS.keySet())
                        + ", and BACKEND_<NAME>_* for each backend in BACKENDS)");
            }
            merged.put(key, value); // a BACKEND_<NAME>_* key is checked against BACKENDS by UpstreamSettings
        });
        var v = new SettingValues(merged);
        return new Settings(ServerSettings.read(v), LimitSettings.read(v), AccessSettings.read(v),
                UpstreamSettings.read(v), RoutingSettings.read(v), LogSettings.read(v), TelemetrySettings.read(v));
    }

    /**
     * Loads the settings as the jar does at start: defaults, then {@code envFile} if it
     * exists, then the environment's values for the known keys (a backend's own keys
     * count as known once BACKENDS, from the file or the environment, names it).
     *
     * @param envFile     the {@code .env} file to read
     * @param required    true when the user named the file, so a missing file is an error
     * @param environment the process environment ({@code System.getenv()})
     * @return the settings
     * @throws SettingsException for a missing file, an unknown key or a value that cannot be used
     */
    public static Settings load(Path envFile, boolean required, Map<String, String> environment) {
        var values = new HashMap<String, String>();
        Map<String, String> file = Map.of();
        if (Files.exists(envFile)) {
            file = EnvFile.read(envFile);
            values.putAll(file);
        } else if (required) {
            throw new SettingsException("env file not found: " + envFile);
        }
        for (String key : DEFAULTS.keySet()) {
            if (environment.containsKey(key)) {
                values.put(key, environment.get(key));
            }
        }
        List<String> names = UpstreamSettings.names(new SettingValues(values));
        for (String key : file.keySet()) {
            if (!DEFAULTS.containsKey(key) && !UpstreamSettings.isKeyOf(key, names)) {
                String why = key.startsWith("BACKEND_") && !names.isEmpty()
                        ? " (it names no backend of BACKENDS=" + String.join(",", names) + ")" : "";
                throw new SettingsException(envFile + ": unknown key " + key + why);
            }
        }
        environment.forEach((key, value) -> {
            if (UpstreamSettings.isKeyOf(key, names)) {
                values.put(key, value);
            }
        });
        return from(values);
    }

    /** {@return true when no backend is set and the gateway answers by itself} */
    public boolean echoMode() {
        return upstream.echoMode();
    }

    /**
     * {@return the settings in effect, in {@code gateway.env}'s order and syntax} This is what
     * {@code --print-config} shows: derived values resolved, secrets redacted.
     */
    public SequencedMap<String, String> effective() {
        return view(secret -> REDACTED);
    }

    /**
     * The keys whose values differ in {@code other}, in {@code gateway.env}'s order (then the
     * keys of backends {@code other} has not). Secrets are compared by their SHA-256, so
     * neither they nor anything that shows them is kept.
     */
    List<String> changedKeys(Settings other) {
        var mine = view(Settings::digest);
        var theirs = other.view(Settings::digest);
        var keys = new LinkedHashSet<>(theirs.keySet());
        keys.addAll(mine.keySet()); // a backend's keys come and go with it
        return keys.stream().filter(key -> !Objects.equals(mine.get(key), theirs.get(key))).toList();
    }

    /** Every key's value in effect, each secret written as {@code secret} makes it. */
    private SequencedMap<String, String> view(UnaryOperator<String> secret) {
        var values = new LinkedHashMap<String, String>();
        server.effective(values);
        upstream.effective(values, secret);
        routing.effective(values);
        limits.effective(values);
        access.effective(values, secret);
        log.effective(values);
        telemetry.effective(values, secret);
        return values;
    }

    private static String digest(String secret) {
        return HexFormat.of().formatHex(Digest.sha256(secret));
    }

    /**
     * {@return a copy listening on {@code port}, for tests and embedding}
     *
     * @param port the port; 0 picks a free one
     */
    public Settings withPort(int port) {
        return new Settings(server.withPort(port), limits, access, upstream, routing, log, telemetry);
    }
}
