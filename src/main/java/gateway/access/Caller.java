package gateway.access;

import gateway.keys.KeyPolicy;

/**
 * Who sent a request, as its API key says: never the key itself.
 *
 * @param id     stable across renames and rotations: usage is counted under it
 * @param name   for logs, metrics and people
 * @param policy the key's own limits
 */
public record Caller(String id, String name, KeyPolicy policy) {
    /** The id of a key of {@code API_KEYS}, which has only a name. */
    public static String settingsId(String name) {
        return "settings-" + name;
    }
}
