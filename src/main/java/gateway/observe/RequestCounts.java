package gateway.observe;

import gateway.json.JsonObject;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests that have ended, by route, status and model. Routes and statuses are bounded by
 * the gateway; model names come from clients, so at most {@link #MAX_MODELS} are counted
 * by name and the rest as {@code other}.
 */
final class RequestCounts {
    /** Distinct model names counted; later ones are counted as {@code other}. */
    static final int MAX_MODELS = 100;

    /** {@code model} is empty when the request named none. */
    private record Key(String route, int status, String model) {
        static final Comparator<Key> ORDER = Comparator.comparing(Key::route)
                .thenComparing(k -> Integer.toString(k.status())).thenComparing(Key::model);
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Set<String> models = ConcurrentHashMap.newKeySet();

    void record(String route, int status, String model) {
        requests.computeIfAbsent(new Key(route, status, modelLabel(model)), k -> new LongAdder()).increment();
    }

    private String modelLabel(String model) {
        if (model == null) {
            return "";
        }
        if (models.contains(model) || (models.size() < MAX_MODELS && models.add(model))) {
            return model;
        }
        return "other";
    }

    /** {@code requests_total}, {@code requests} by route then status, {@code requests_by_model}. */
    void writeJson(JsonObject.Builder json) {
        var byRoute = new TreeMap<String, TreeMap<String, Long>>();
        var byModel = new TreeMap<String, Long>();
        long total = 0;
        for (var entry : requests.entrySet()) {
            long n = entry.getValue().sum();
            byRoute.computeIfAbsent(entry.getKey().route(), r -> new TreeMap<>())
                    .merge(Integer.toString(entry.getKey().status()), n, Long::sum);
            if (!entry.getKey().model().isEmpty()) {
                byModel.merge(entry.getKey().model(), n, Long::sum);
            }
            total += n;
        }
        var routes = JsonObject.builder();
        byRoute.forEach((route, statuses) -> {
            var perStatus = JsonObject.builder();
            statuses.forEach(perStatus::put);
            routes.put(route, perStatus.build());
        });
        var perModel = JsonObject.builder();
        byModel.forEach(perModel::put);
        json.put("requests_total", total).put("requests", routes.build()).put("requests_by_model", perModel.build());
    }

    void write(MetricWriter out) {
        out.family("gateway.requests", MetricWriter.Kind.COUNTER, "{request}", "Requests that have ended, by route, status and model.");
        var sorted = new TreeMap<Key, LongAdder>(Key.ORDER);
        sorted.putAll(requests);
        sorted.forEach((key, n) -> out.sample(n.sum(),
                "route", key.route(), "status", Integer.toString(key.status()), "model", key.model()));
    }
}
