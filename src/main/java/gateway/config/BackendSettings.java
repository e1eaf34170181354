package gateway.config;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.SequencedMap;
import java.util.function.UnaryOperator;

/**
 * One inference server behind the gateway, declared by name in {@code BACKENDS} and
 * described by its {@code BACKEND_<NAME>_*} keys (the name in upper case, {@code -} as
 * {@code _}: {@code gpu-1} is {@code BACKEND_GPU_1_URL}).
 *
 * @param name     how the log, the metrics and {@code /admin/backends} call it
 * @param url      its base address (without {@code /v1} for an OpenAI-compatible server)
 * @param apiKey   sent to it as a bearer token; empty for none
 * @param slots    requests it serves at once (llama-server's {@code -np}); 0: no limit, never queued for
 * @param models   the models it serves, as configured; empty: what its {@code /v1/models} lists
 * @param anyModel true for {@code MODELS=*} (and the single {@code BACKEND_URL} backend): it takes any model name
 * @param weight   its share of new requests relative to the others; 0 drains it
 * @param role     primary, or fallback: used only when no primary can serve
 * @param kind     the API it speaks: OpenAI's, or a "prompt in, text out" one
 * @param path     the endpoint of a prompt API, such as {@code /vendor-a/messages}; empty for OpenAI
 */
public record BackendSettings(String name, URI url, String apiKey, int slots, List<String> models, boolean anyModel,
        int weight, Role role, Kind kind, String path) {

    /** Whether a backend takes requests at once, or only when no primary can ({@code BACKEND_<NAME>_ROLE}). */
    public enum Role {
        /** Takes requests (the default). */
        PRIMARY,
        /** Takes requests only when no primary of the model can. */
        FALLBACK
    }

    /** The API a backend speaks ({@code BACKEND_<NAME>_KIND}): OpenAI's, or a "prompt in, text out" one. */
    public enum Kind {
        /** OpenAI's API, at each operation's path (the default). */
        OPENAI,
        /** One prompt in, whole text out, at {@code BACKEND_<NAME>_PATH}: chats are adapted to it. */
        PROMPT
    }

    /** The name of the backend that {@code BACKEND_URL} declares; BACKENDS cannot use it. */
    public static final String SINGLE = "default";

    /** The keys each backend may have, after its prefix. */
    static final List<String> FIELDS = List.of("URL", "API_KEY", "SLOTS", "MODELS", "WEIGHT", "ROLE", "KIND", "PATH");

    /** A backend name: short, and safe in an environment variable's name once upper-cased. */
    static final String NAME = "[a-z][a-z0-9]*(-[a-z0-9]+)*";

    /**
     * {@return the prefix of a backend's keys: {@code BACKEND_GPU_1_} for {@code gpu-1}}
     *
     * @param name the backend's name in {@code BACKENDS}
     */
    public static String prefix(String name) {
        return "BACKEND_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /** The backend of {@code BACKEND_URL}: takes every model, as the gateway did with one backend. */
    static BackendSettings single(URI url, String apiKey) {
        return new BackendSettings(SINGLE, url, apiKey, 0, List.of(), true, 1, Role.PRIMARY, Kind.OPENAI, "");
    }

    static BackendSettings read(String name, SettingValues v) {
        String p = prefix(name);
        if (!v.isSet(p + "URL")) {
            throw new SettingsException(p + "URL is missing: every backend named in BACKENDS needs a URL");
        }
        Kind kind = v.option(p + "KIND", Kind.class, Kind.OPENAI);
        String path = v.raw(p + "PATH").strip();
        if (kind == Kind.PROMPT && !path.startsWith("/")) {
            throw v.invalid(p + "PATH", "expected the path of the prompt API, such as /chat (needed with " + p + "KIND=prompt)");
        } else if (kind == Kind.OPENAI && !path.isEmpty()) {
            throw v.invalid(p + "PATH", "only a backend with " + p + "KIND=prompt has a PATH");
        }
        List<String> models = v.list(p + "MODELS");
        boolean any = models.equals(List.of("*"));
        if (!any && models.contains("*")) {
            throw v.invalid(p + "MODELS", "expected * alone (any model), or model names");
        }
        return new BackendSettings(name, v.url(p + "URL", kind == Kind.OPENAI), v.raw(p + "API_KEY").strip(),
                v.isSet(p + "SLOTS") ? v.integer(p + "SLOTS", 0, 100_000) : 0,
                any ? List.of() : List.copyOf(models), any,
                v.isSet(p + "WEIGHT") ? v.integer(p + "WEIGHT", 0, 1_000) : 1,
                v.option(p + "ROLE", Role.class, Role.PRIMARY),
                kind, path);
    }

    void effective(SequencedMap<String, String> values, UnaryOperator<String> secret) {
        String p = prefix(name);
        values.put(p + "URL", url.toString());
        values.put(p + "API_KEY", apiKey.isEmpty() ? "" : secret.apply(apiKey));
        values.put(p + "SLOTS", Integer.toString(slots));
        values.put(p + "MODELS", anyModel ? "*" : String.join(",", models));
        values.put(p + "WEIGHT", Integer.toString(weight));
        values.put(p + "ROLE", SettingValues.spelling(role));
        values.put(p + "KIND", SettingValues.spelling(kind));
        values.put(p + "PATH", path);
    }

    /**
     * {@return the setting that holds this backend's {@code field}: BACKEND_API_KEY for the single backend, else BACKEND_GPU1_API_KEY}
     *
     * @param field one of {@code URL}, {@code API_KEY}, {@code SLOTS}, {@code MODELS}, {@code WEIGHT}, {@code ROLE}, {@code KIND}, {@code PATH}
     */
    public String key(String field) {
        return name.equals(SINGLE) ? "BACKEND_" + field : prefix(name) + field;
    }

    /** {@return the address without credentials, for the log and {@code /admin/backends}} */
    public String displayUrl() {
        return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
    }
}
