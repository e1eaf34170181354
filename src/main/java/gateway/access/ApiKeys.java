package gateway.access;

import gateway.http.ApiError;
import gateway.keys.Digest;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The client keys of {@code API_KEYS}: {@code alice:sk-…,bob:sk-…,sk-…}. A key without a
 * name is known by a fingerprint ({@code key-1a2b3c4d}, from its SHA-256), so logs and
 * metrics can tell callers apart without ever holding a key.
 *
 * <p>Only SHA-256 digests are kept, and a presented key is compared with every one of
 * them, in constant time: how long a check takes says nothing about how close a guess was.
 */
public final class ApiKeys {
    /** Between a scheme and its key; compiled once (String.split would compile it on every request). */
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private record Entry(String name, byte[] digest, String redacted) {
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses {@code API_KEYS}; blank means no keys (the gateway runs open).
     *
     * @throws IllegalArgumentException for an empty name or key, naming the entry's position only
     */
    public static ApiKeys parse(String setting) {
        var entries = new ArrayList<Entry>();
        String[] items = setting.split(",");
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.indexOf(':');
            String name = colon < 0 ? null : item.substring(0, colon).strip();
            String key = colon < 0 ? item : item.substring(colon + 1).strip();
            if (key.isEmpty() || (name != null && name.isEmpty())) {
                throw new IllegalArgumentException("entry " + (i + 1) + " needs the form name:key or key");
            }
            byte[] digest = Digest.sha256(key);
            entries.add(new Entry(name != null ? name : "key-" + HexFormat.of().formatHex(digest, 0, 4), digest, redact(key)));
        }
        return new ApiKeys(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** How people recognise a key, as the key store shows its own: its first and last four characters, when it is long enough to spare them. */
    private static String redact(String key) {
        return key.length() >= 16 ? key.substring(0, 4) + "…" + key.substring(key.length() - 4) : "…";
    }

    /** Each key's name and redacted form ({@code sk-a…wxyz}), for the console. */
    public Map<String, String> redactedByName() {
        var redacted = new LinkedHashMap<String, String>();
        entries.forEach(entry -> redacted.put(entry.name(), entry.redacted()));
        return redacted;
    }

    /**
     * One SHA-256 over every key's name and digest: the same for the same keys under the same
     * names, so that a reload can tell whether API_KEYS changed without keeping a key.
     */
    public String fingerprint() {
        var all = new StringBuilder();
        entries.forEach(entry -> all.append(entry.name()).append(':').append(HexFormat.of().formatHex(entry.digest())).append(','));
        return HexFormat.of().formatHex(Digest.sha256(all.toString()));
    }

    /** The callers' names, a fingerprint for a key without one: never a key. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /**
     * The name of the caller whose key the request presents, from
     * {@code Authorization: Bearer <key>}, {@code Authorization: Api-Key <key>} or
     * {@code x-api-key: <key>}.
     *
     * @param headers looks up a request header by name
     * @throws ApiError 401 when no key is presented or it matches none
     */
    public String authenticate(Function<String, String> headers) {
        String match = match(Digest.sha256(presentedKey(headers).orElseThrow(ApiKeys::missing)));
        if (match == null) {
            throw invalid();
        }
        return match;
    }

    /** The name of the caller whose key has the SHA-256 {@code digest}, or null. */
    String match(byte[] digest) {
        String match = null;
        for (Entry entry : entries) {
            // No early exit: every entry is compared, whatever matched.
            if (MessageDigest.isEqual(entry.digest(), digest) && match == null) {
                match = entry.name();
            }
        }
        return match;
    }

    static ApiError missing() {
        return unauthorized("missing_api_key",
                "Missing API key. Send it as 'Authorization: Bearer <key>' (or 'x-api-key: <key>').");
    }

    static ApiError invalid() {
        return unauthorized("invalid_api_key", "Invalid API key. Check the key you send with this request.");
    }

    /** The key a request presents: {@code Authorization: Bearer}/{@code Api-Key}, else {@code x-api-key}. */
    static Optional<String> presentedKey(Function<String, String> headers) {
        String authorization = headers.apply("Authorization");
        if (authorization != null) {
            String[] parts = SPACES.split(authorization.strip(), 2);
            if (parts.length == 2 && (parts[0].equalsIgnoreCase("Bearer") || parts[0].equalsIgnoreCase("Api-Key"))) {
                return Optional.of(parts[1].strip());
            }
        }
        return Optional.ofNullable(headers.apply("x-api-key")).map(String::strip).filter(key -> !key.isEmpty());
    }

    static ApiError unauthorized(String code, String message) {
        return new ApiError(401, "authentication_error", code, null, message, Map.of("WWW-Authenticate", "Bearer"));
    }

}
