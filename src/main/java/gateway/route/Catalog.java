package gateway.route;

import gateway.http.ApiError;
import gateway.http.UpstreamErrors;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.openai.Completions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which backends serve which model. A request's model, after {@code MODEL_ALIASES}, selects
 * its pool: the backends that list it (configured, or found in their {@code /v1/models}) and
 * those that take any name. The model list the gateway serves is the union of the backends'
 * lists and the aliases.
 */
final class Catalog {
    private final List<Backend> backends;
    private final Map<String, String> aliases;

    Catalog(List<Backend> backends, Map<String, String> aliases) {
        this.backends = backends;
        this.aliases = aliases;
    }

    /** The model an alias stands for; any other name, and null, as they are. */
    String resolve(String model) {
        return model == null ? null : aliases.getOrDefault(model, model);
    }

    /**
     * The backends that serve {@code model} (after its alias), primaries and fallbacks. When
     * none does, the lists of backends that discover theirs are asked again (each is reused
     * for MODELS_CACHE_SECONDS, so a stream of unknown names costs no more calls).
     *
     * @throws ApiError 404 {@code model_not_found}
     */
    List<Backend> pool(String model) {
        List<Backend> pool = servers(model);
        if (pool.isEmpty()) {
            backends.stream().filter(b -> b.discovers() && b.health().available()).forEach(Catalog::refreshQuietly);
            pool = servers(model);
        }
        if (pool.isEmpty()) {
            throw UpstreamErrors.modelNotFound(model, modelIds());
        }
        return pool;
    }

    private List<Backend> servers(String model) {
        return backends.stream().filter(b -> b.serves(model)).toList();
    }

    /**
     * Asks a backend for its model list, and keeps the names when its models are discovered.
     *
     * @return the list, in the shape of {@code GET /v1/models}
     * @throws ApiError when the backend cannot be asked
     */
    static JsonObject refresh(Backend backend) {
        JsonObject list = backend.worker().models();
        if (backend.discovers()) {
            var ids = new ArrayList<String>();
            list.array("data").map(JsonArray::values).orElse(List.of()).forEach(model ->
                    ((JsonObject) model).string("id").ifPresent(ids::add));
            backend.discovered(new HashSet<>(ids));
        }
        return list;
    }

    /**
     * {@code GET /v1/models}: every backend's models, then the aliases of models that are
     * served. A backend whose models are configured shows those, without being asked. A
     * backend that cannot be asked is left out, unless no model is known at all: then its
     * error is the answer.
     */
    JsonObject modelList() {
        var models = new LinkedHashMap<String, JsonValue>();
        ApiError failure = null;
        for (Backend backend : backends) {
            if (!backend.settings().models().isEmpty()) {
                backend.settings().models().forEach(id -> models.putIfAbsent(id, Completions.model(id, "gateway")));
                continue;
            }
            try {
                for (JsonValue model : refresh(backend).array("data").map(JsonArray::values).orElse(List.of())) {
                    ((JsonObject) model).string("id").ifPresent(id -> models.putIfAbsent(id, model));
                }
            } catch (ApiError e) {
                failure = failure == null ? e : failure;
            }
        }
        if (models.isEmpty() && failure != null) {
            throw failure;
        }
        boolean anyName = backends.stream().anyMatch(b -> b.settings().anyModel());
        new TreeMap<>(aliases).forEach((alias, model) -> {
            if (anyName || models.containsKey(model)) {
                models.putIfAbsent(alias, Completions.model(alias, "gateway").toBuilder().put("alias_of", model).build());
            }
        });
        return Completions.modelList(List.copyOf(models.values()));
    }

    private static void refreshQuietly(Backend backend) {
        try {
            refresh(backend);
        } catch (ApiError unreachable) {
            // what it serves stays as known; the health checks report why
        }
    }

    /** The names served, for a 404's message. */
    private List<String> modelIds() {
        var ids = new TreeSet<String>();
        backends.forEach(b -> ids.addAll(b.knownModels()));
        aliases.forEach((alias, model) -> {
            if (ids.contains(model)) {
                ids.add(alias);
            }
        });
        return List.copyOf(ids);
    }

}
