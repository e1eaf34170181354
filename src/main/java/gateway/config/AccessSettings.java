package gateway.config;

import gateway.access.ApiKeys;
import gateway.access.RateLimiter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.SequencedMap;
import java.util.function.UnaryOperator;

/**
 * Who may call, and how often.
 *
 * @param apiKeys    the client keys; empty when the gateway runs open
 * @param rateLimits requests and tokens per minute per caller
 * @param adminKey   the one key of the admin API ({@code /admin/*}); empty when it is off
 * @param keysFile   the key store, managed through the admin API; {@code null} for none
 */
public record AccessSettings(ApiKeys apiKeys, RateLimiter.Limits rateLimits, ApiKeys adminKey, Path keysFile) {

    static void defaults(SequencedMap<String, String> defaults) {
        defaults.put("API_KEYS", "");
        defaults.put("RATE_LIMIT_RPM", "0");
        defaults.put("RATE_LIMIT_BURST", "0");
        defaults.put("RATE_LIMIT_TPM", "0");
        defaults.put("ADMIN_API_KEY", "");
        defaults.put("KEYS_FILE", "");
    }

    static AccessSettings read(SettingValues v) {
        int rpm = v.integer("RATE_LIMIT_RPM", 0, 1_000_000);
        int burst = v.integer("RATE_LIMIT_BURST", 0, 1_000_000);
        // A burst of 0 means a whole minute's requests may come at once.
        var limits = new RateLimiter.Limits(rpm, burst == 0 ? rpm : burst, v.integer("RATE_LIMIT_TPM", 0, 1_000_000_000));
        String admin = v.raw("ADMIN_API_KEY").strip();
        if (admin.contains(",") || admin.contains(" ")) {
            // Never repeat the value: it is a secret.
            throw new SettingsException("ADMIN_API_KEY: expected one key, without commas or spaces");
        }
        return new AccessSettings(v.parsed("API_KEYS", ApiKeys::parse), limits,
                ApiKeys.parse(admin.isEmpty() ? "" : "admin:" + admin), keysFile(v));
    }

    /** {@code KEYS_FILE}, with a leading {@code ~/} for the home folder. */
    private static Path keysFile(SettingValues v) {
        String file = v.raw("KEYS_FILE").strip();
        if (file.isEmpty()) {
            return null;
        }
        if (file.startsWith("~/")) {
            file = System.getProperty("user.home") + file.substring(1);
        }
        try {
            return Path.of(file);
        } catch (InvalidPathException e) {
            throw v.invalid("KEYS_FILE", "a file path");
        }
    }

    /**
     * As a reload leaves them: the keys and rates of {@code next}; the admin key and the key
     * store, which a restart alone changes (the routes and the store's file are set up once), of these.
     */
    AccessSettings reloadedWith(AccessSettings next) {
        return new AccessSettings(next.apiKeys, next.rateLimits, adminKey, keysFile);
    }

    void effective(SequencedMap<String, String> values, UnaryOperator<String> secret) {
        values.put("API_KEYS", apiKeys.isEmpty() ? "" : secret.apply(apiKeys.fingerprint()) + " (" + String.join(", ", apiKeys.names()) + ")");
        values.put("RATE_LIMIT_RPM", Integer.toString(rateLimits.requestsPerMinute()));
        values.put("RATE_LIMIT_BURST", Integer.toString(rateLimits.burst()));
        values.put("RATE_LIMIT_TPM", Integer.toString(rateLimits.tokensPerMinute()));
        values.put("ADMIN_API_KEY", adminKey.isEmpty() ? "" : secret.apply(adminKey.fingerprint()));
        values.put("KEYS_FILE", keysFile == null ? "" : keysFile.toString());
    }
}
