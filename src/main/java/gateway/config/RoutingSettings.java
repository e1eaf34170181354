package gateway.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * How requests are spread over the backends, and what happens when they are busy or failing.
 *
 * @param policy         how a backend is chosen among those that serve the model
 * @param aliases        model names clients may use for the models the backends serve
 * @param attempts       backends tried for one request, the first included (failover before the first byte)
 * @param sessionTtl     how long an idle session stays pinned to its backend; zero: not pinned
 * @param queueMax       requests that may wait for a slot at once; more get 429 {@code queue_full}
 * @param queueTimeout   how long a request may wait for a slot before 503 {@code queue_timeout}
 * @param healthInterval how often each backend is probed
 */
public record RoutingSettings(Policy policy, Map<String, String> aliases, int attempts, Duration sessionTtl,
        int queueMax, Duration queueTimeout, Duration healthInterval) {

    /** {@code ROUTING}'s built-in policies; {@code gateway.route.RoutingPolicy} is the seam for one's own. */
    public enum Policy {
        /** {@code least-loaded}: of two backends drawn by weight, the one with fewer requests per slot. */
        LEAST_LOADED,
        /** {@code prefix}: the backend that holds the longest part of the prompt in its cache, within a load bound. */
        PREFIX,
        /** {@code round-robin}: each in turn, by weight. */
        ROUND_ROBIN
    }

    static void defaults(SequencedMap<String, String> defaults) {
        defaults.put("ROUTING", "least-loaded");
        defaults.put("MODEL_ALIASES", "");
        // One retry on another backend: enough to ride over one dead server, and a client's
        // own retries (the SDKs make two) multiply it no further, as x-should-retry says.
        defaults.put("FAILOVER_ATTEMPTS", "2");
        // About a chat user's pause for thought; the KV cache of an idle conversation lasts about as long.
        defaults.put("SESSION_TTL_SECONDS", "600");
        defaults.put("QUEUE_MAX", "1024");
        // Well under the SDKs' own 600 s timeout, so that they retry rather than give up.
        defaults.put("QUEUE_TIMEOUT_SECONDS", "30");
        defaults.put("HEALTH_INTERVAL_SECONDS", "5");
    }

    static RoutingSettings read(SettingValues v) {
        return new RoutingSettings(
                v.option("ROUTING", Policy.class, Policy.LEAST_LOADED),
                v.parsed("MODEL_ALIASES", RoutingSettings::aliases),
                v.integer("FAILOVER_ATTEMPTS", 1, 10),
                v.seconds("SESSION_TTL_SECONDS", 0, 86_400),
                v.integer("QUEUE_MAX", 0, 1_000_000),
                v.seconds("QUEUE_TIMEOUT_SECONDS", 1, 3_600),
                v.seconds("HEALTH_INTERVAL_SECONDS", 1, 3_600));
    }

    /** {@code alias=model,alias=model}: each alias once, never naming itself. */
    static Map<String, String> aliases(String setting) {
        var aliases = new LinkedHashMap<String, String>();
        for (String item : setting.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int equals = item.indexOf('=');
            String alias = equals < 0 ? "" : item.substring(0, equals).strip();
            String model = equals < 0 ? "" : item.substring(equals + 1).strip();
            if (alias.isEmpty() || model.isEmpty()) {
                throw new IllegalArgumentException("expected alias=model pairs separated by commas, found '" + item.strip() + "'");
            } else if (alias.equals(model)) {
                throw new IllegalArgumentException("'" + alias + "' is an alias of itself");
            } else if (aliases.put(alias, model) != null) {
                throw new IllegalArgumentException("'" + alias + "' is given twice");
            }
        }
        return Map.copyOf(aliases);
    }

    /** {@return the policy as {@code ROUTING} writes it: {@code least-loaded}, {@code prefix} or {@code round-robin}} */
    public String policyName() {
        return SettingValues.spelling(policy);
    }

    void effective(SequencedMap<String, String> values) {
        values.put("ROUTING", policyName());
        var pairs = new StringBuilder();
        aliases.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(alias ->
                pairs.append(pairs.isEmpty() ? "" : ",").append(alias.getKey()).append('=').append(alias.getValue()));
        values.put("MODEL_ALIASES", pairs.toString());
        values.put("FAILOVER_ATTEMPTS", Integer.toString(attempts));
        values.put("SESSION_TTL_SECONDS", Long.toString(sessionTtl.toSeconds()));
        values.put("QUEUE_MAX", Integer.toString(queueMax));
        values.put("QUEUE_TIMEOUT_SECONDS", Long.toString(queueTimeout.toSeconds()));
        values.put("HEALTH_INTERVAL_SECONDS", Long.toString(healthInterval.toSeconds()));
    }
}
