package gateway;

import gateway.access.ApiKeys;
import gateway.access.RateLimiter;
import gateway.http.Cors;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Every option of the gateway, read once at start: built-in defaults, then the
 * {@code .env} file ({@code gateway.env}), then real environment variables, which win.
 * {@code gateway.env} at the project's top level documents each key.
 *
 * @param host                  the address to listen on ({@code HOST})
 * @param port                  the port to listen on; 0 picks a free one ({@code PORT})
 * @param backendUrl            the backend's base address without {@code /v1}, or
 *                              {@code null} for echo mode ({@code BACKEND_URL})
 * @param backendApiKey         sent to the backend as a bearer token; empty for none
 * @param backendTimeout        how long to wait for the backend's response headers
 * @param backendConnectTimeout how long to wait for a connection to the backend
 * @param defaultModel          the model used when a request names none; may be empty
 * @param echoTokenDelay        the pause between words of a streamed echo reply
 * @param maxBodyBytes          the largest request body accepted
 * @param maxTokensLimit        the largest {@code max_tokens} a request may ask for
 * @param maxMessages           the most messages a request may hold
 * @param maxRequestsInFlight   chat completions served at once; more are answered 503
 * @param requestReadTimeout    how long a client may take to send a whole request
 * @param idleTimeout           how long a keep-alive connection may wait for its next request
 * @param modelsCacheTime       how long the backend's model list is reused
 * @param shutdownGrace         how long requests in flight may finish at shutdown
 * @param apiKeys               the client keys; empty when the gateway runs open
 * @param rateLimits            requests and tokens per minute per caller
 * @param cors                  the origins whose pages may call the gateway; off by default
 * @param logFile               the log file, or {@code null} for standard output
 * @param logMaxBytes           the size at which the log file is rotated
 * @param logMaxFiles           how many rotated log files are kept
 */
public record Settings(
        String host,
        int port,
        URI backendUrl,
        String backendApiKey,
        Duration backendTimeout,
        Duration backendConnectTimeout,
        String defaultModel,
        Duration echoTokenDelay,
        int maxBodyBytes,
        int maxTokensLimit,
        int maxMessages,
        int maxRequestsInFlight,
        Duration requestReadTimeout,
        Duration idleTimeout,
        Duration modelsCacheTime,
        Duration shutdownGrace,
        ApiKeys apiKeys,
        RateLimiter.Limits rateLimits,
        Cors cors,
        Path logFile,
        long logMaxBytes,
        int logMaxFiles) {

    /** What {@link #effective()} shows in place of a secret. */
    static final String REDACTED = "<redacted>";

    /** Every key with its default, in the order {@code gateway.env} documents them. */
    static final SequencedMap<String, String> DEFAULTS = defaultValues();

    private static SequencedMap<String, String> defaultValues() {
        var defaults = new LinkedHashMap<String, String>();
        defaults.put("HOST", "127.0.0.1");
        defaults.put("PORT", "8080");
        defaults.put("BACKEND_URL", "");
        defaults.put("BACKEND_API_KEY", "");
        defaults.put("BACKEND_TIMEOUT_SECONDS", "60");
        defaults.put("BACKEND_CONNECT_TIMEOUT_SECONDS", "10");
        defaults.put("DEFAULT_MODEL", "");
        defaults.put("ECHO_TOKEN_DELAY_MS", "20");
        // 4 MiB: a long prompt is a few hundred KiB; room is left for base64 images.
        defaults.put("MAX_BODY_BYTES", "4194304");
        // Caps what one request can make a GPU generate; raise it for long-output models.
        defaults.put("MAX_TOKENS_LIMIT", "32768");
        // Long agent conversations reach hundreds of messages; thousands more only cost the gateway CPU.
        defaults.put("MAX_MESSAGES", "2048");
        // 0: derived from the heap, so that requests in flight cannot exhaust it (see InFlightLimit).
        defaults.put("MAX_REQUESTS_IN_FLIGHT", "0");
        // A client that trickles its request (slowloris) is cut off after this; answers are never timed.
        defaults.put("REQUEST_READ_TIMEOUT_SECONDS", "30");
        // Longer than the SDKs keep an unused connection (httpx: 5 s), so the gateway never
        // closes one just as a client reuses it; the JDK's own default.
        defaults.put("IDLE_TIMEOUT_SECONDS", "30");
        defaults.put("MODELS_CACHE_SECONDS", "30");
        defaults.put("SHUTDOWN_GRACE_SECONDS", "10");
        defaults.put("API_KEYS", "");
        defaults.put("RATE_LIMIT_RPM", "0");
        defaults.put("RATE_LIMIT_BURST", "0");
        defaults.put("RATE_LIMIT_TPM", "0");
        defaults.put("CORS_ALLOW_ORIGINS", "");
        defaults.put("LOG_FILE", "");
        defaults.put("LOG_MAX_BYTES", "104857600");
        defaults.put("LOG_MAX_FILES", "5");
        return defaults;
    }

    /** The built-in defaults: an echo gateway on 127.0.0.1:8080. */
    public static Settings defaults() {
        return from(Map.of());
    }

    /**
     * Settings from {@code KEY -> value} pairs over the defaults, parsed and checked as
     * the {@code .env} file would be.
     *
     * @throws SettingsException for an unknown key or a value that cannot be used
     */
    public static Settings from(Map<String, String> values) {
        var merged = new HashMap<>(DEFAULTS);
        values.forEach((key, value) -> {
            if (!DEFAULTS.containsKey(key)) {
                throw new SettingsException("unknown setting " + key + " (known: " + String.join(", ", DEFAULTS.keySet()) + ")");
            }
            merged.put(key, value);
        });
        var v = new SettingValues(merged);
        return new Settings(
                v.nonEmpty("HOST"),
                v.integer("PORT", 0, 65_535),
                v.backendUrl("BACKEND_URL"),
                v.raw("BACKEND_API_KEY"),
                Duration.ofSeconds(v.integer("BACKEND_TIMEOUT_SECONDS", 1, 86_400)),
                Duration.ofSeconds(v.integer("BACKEND_CONNECT_TIMEOUT_SECONDS", 1, 3_600)),
                v.raw("DEFAULT_MODEL").strip(),
                Duration.ofMillis(v.integer("ECHO_TOKEN_DELAY_MS", 0, 60_000)),
                v.integer("MAX_BODY_BYTES", 1, 1 << 30),
                v.integer("MAX_TOKENS_LIMIT", 1, 10_000_000),
                v.integer("MAX_MESSAGES", 1, 1_000_000),
                v.maxRequestsInFlight("MAX_REQUESTS_IN_FLIGHT"),
                Duration.ofSeconds(v.integer("REQUEST_READ_TIMEOUT_SECONDS", 1, 3_600)),
                Duration.ofSeconds(v.integer("IDLE_TIMEOUT_SECONDS", 1, 3_600)),
                Duration.ofSeconds(v.integer("MODELS_CACHE_SECONDS", 0, 86_400)),
                Duration.ofSeconds(v.integer("SHUTDOWN_GRACE_SECONDS", 0, 3_600)),
                v.parsed("API_KEYS", ApiKeys::parse),
                v.rateLimits(),
                v.parsed("CORS_ALLOW_ORIGINS", Cors::parse),
                v.raw("LOG_FILE").isBlank() ? null : Path.of(v.raw("LOG_FILE").strip()),
                v.integer("LOG_MAX_BYTES", 1024, Integer.MAX_VALUE),
                v.integer("LOG_MAX_FILES", 0, 1000));
    }

    /**
     * Loads the settings as the jar does at start: defaults, then {@code envFile} if it
     * exists, then the known keys found in {@code environment}.
     *
     * @param envFile     the {@code .env} file to read
     * @param required    true when the user named the file, so a missing file is an error
     * @param environment the process environment ({@code System.getenv()})
     */
    public static Settings load(Path envFile, boolean required, Map<String, String> environment) {
        var values = new HashMap<String, String>();
        if (Files.exists(envFile)) {
            EnvFile.read(envFile).forEach((key, value) -> {
                if (!DEFAULTS.containsKey(key)) {
                    throw new SettingsException(envFile + ": unknown key " + key);
                }
                values.put(key, value);
            });
        } else if (required) {
            throw new SettingsException("env file not found: " + envFile);
        }
        for (String key : DEFAULTS.keySet()) {
            if (environment.containsKey(key)) {
                values.put(key, environment.get(key));
            }
        }
        return from(values);
    }

    /** True when no backend is set and the gateway answers by itself. */
    public boolean echoMode() {
        return backendUrl == null;
    }

    /**
     * The settings in effect, in {@code gateway.env}'s order and syntax, as
     * {@code --print-config} shows them: derived values resolved, secrets redacted.
     */
    public SequencedMap<String, String> effective() {
        var values = new LinkedHashMap<String, String>();
        values.put("HOST", host);
        values.put("PORT", Integer.toString(port));
        values.put("BACKEND_URL", backendUrl == null ? "" : backendUrl.toString());
        values.put("BACKEND_API_KEY", backendApiKey.isEmpty() ? "" : REDACTED);
        values.put("BACKEND_TIMEOUT_SECONDS", Long.toString(backendTimeout.toSeconds()));
        values.put("BACKEND_CONNECT_TIMEOUT_SECONDS", Long.toString(backendConnectTimeout.toSeconds()));
        values.put("DEFAULT_MODEL", defaultModel);
        values.put("ECHO_TOKEN_DELAY_MS", Long.toString(echoTokenDelay.toMillis()));
        values.put("MAX_BODY_BYTES", Integer.toString(maxBodyBytes));
        values.put("MAX_TOKENS_LIMIT", Integer.toString(maxTokensLimit));
        values.put("MAX_MESSAGES", Integer.toString(maxMessages));
        values.put("MAX_REQUESTS_IN_FLIGHT", Integer.toString(maxRequestsInFlight));
        values.put("REQUEST_READ_TIMEOUT_SECONDS", Long.toString(requestReadTimeout.toSeconds()));
        values.put("IDLE_TIMEOUT_SECONDS", Long.toString(idleTimeout.toSeconds()));
        values.put("MODELS_CACHE_SECONDS", Long.toString(modelsCacheTime.toSeconds()));
        values.put("SHUTDOWN_GRACE_SECONDS", Long.toString(shutdownGrace.toSeconds()));
        values.put("API_KEYS", apiKeys.isEmpty() ? "" : REDACTED + " (" + String.join(", ", apiKeys.names()) + ")");
        values.put("RATE_LIMIT_RPM", Integer.toString(rateLimits.requestsPerMinute()));
        values.put("RATE_LIMIT_BURST", Integer.toString(rateLimits.burst()));
        values.put("RATE_LIMIT_TPM", Integer.toString(rateLimits.tokensPerMinute()));
        values.put("CORS_ALLOW_ORIGINS", cors.toString());
        values.put("LOG_FILE", logFile == null ? "" : logFile.toString());
        values.put("LOG_MAX_BYTES", Long.toString(logMaxBytes));
        values.put("LOG_MAX_FILES", Integer.toString(logMaxFiles));
        return values;
    }

    /** A copy listening on {@code port} (0 picks a free one), for tests and embedding. */
    public Settings withPort(int port) {
        return new Settings(host, port, backendUrl, backendApiKey, backendTimeout, backendConnectTimeout,
                defaultModel, echoTokenDelay, maxBodyBytes, maxTokensLimit, maxMessages, maxRequestsInFlight,
                requestReadTimeout, idleTimeout, modelsCacheTime, shutdownGrace, apiKeys, rateLimits, cors, logFile,
                logMaxBytes, logMaxFiles);
    }
}
