package gateway.route;

import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import gateway.observe.RoutingMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The backends' states as people read them: in brief for {@code /readyz} (each backend's
 * name and state), in full for {@code /admin/backends} (its address without credentials,
 * settings, load, health, ejection and cooldown with why and until when, and its counters).
 */
final class BackendStates {
    private BackendStates() {
    }

    /** @param metrics null for the brief form */
    static JsonObject of(List<Backend> backends, RoutingMetrics metrics, int queueDepth) {
        List<JsonValue> data = new ArrayList<>();
        for (Backend backend : backends) {
            Health.State s = backend.health().state();
            var json = JsonObject.builder().put("name", backend.name()).put("state", word(backend, s));
            if (metrics == null) {
                json.put("reason", reason(s));
            } else {
                full(json, backend, s, metrics);
            }
            data.add(json.build());
        }
        return JsonObject.builder().put("object", "list").put("queue_depth", queueDepth).put("data", new JsonArray(data)).build();
    }

    /** One backend's state in a phrase, for a message: {@code ejected until 2026-…Z: 5 failures in a row, …}. */
    static String summary(Backend backend) {
        Health.State s = backend.health().state();
        String reason = reason(s);
        return word(backend, s) + (reason == null ? "" : " (" + reason + ")");
    }

    private static void full(JsonObject.Builder json, Backend backend, Health.State s, RoutingMetrics metrics) {
        var settings = backend.settings();
        json.put("url", settings.displayUrl())
                .put("kind", settings.kind().name().toLowerCase(Locale.ROOT))
                .put("role", settings.role().name().toLowerCase(Locale.ROOT))
                .put("weight", settings.weight())
                .put("slots", settings.slots())
                .put("in_flight", backend.inFlight())
                .put("models", strings(settings.anyModel() ? List.of("*") : backend.knownModels()))
                .put("health", JsonObject.builder()
                        .put("state", s.probe().name().toLowerCase(Locale.ROOT))
                        .put("reason", s.probeReason()).build())
                .put("ejection", JsonObject.builder()
                        .put("ejected", s.ejected())
                        .put("until", s.ejected() ? wallClock(s.ejectedUntil()) : null)
                        .put("reason", s.ejectReason()).build())
                .put("cooldown", JsonObject.builder()
                        .put("cooling_down", s.coolingDown())
                        .put("until", s.coolingDown() ? wallClock(s.coolingUntil()) : null)
                        .put("reason", s.coolingDown() ? s.coolReason() : null).build());
        metrics.backendJson(backend.name()).members().forEach(json::put);
    }

    /** available, unhealthy, ejected, cooling_down or drained (weight 0): what the router sees first. */
    private static String word(Backend backend, Health.State s) {
        if (backend.weight() == 0) {
            return "drained";
        } else if (s.ejected()) {
            return "ejected";
        } else if (s.coolingDown()) {
            return "cooling_down";
        }
        return s.probe() == Health.Probe.UNHEALTHY ? "unhealthy" : "available";
    }

    private static String reason(Health.State s) {
        if (s.ejected()) {
            return "until " + wallClock(s.ejectedUntil()) + ": " + s.ejectReason();
        } else if (s.coolingDown()) {
            return "until " + wallClock(s.coolingUntil()) + ": " + s.coolReason();
        }
        return s.probe() == Health.Probe.UNHEALTHY ? s.probeReason() : null;
    }

    /** A {@link System#nanoTime()} reading as the time of day it stands for. */
    private static String wallClock(long nanoTime) {
        return Instant.now().plusNanos(nanoTime - System.nanoTime()).toString();
    }

    private static JsonArray strings(List<String> values) {
        return new JsonArray(values.stream().<JsonValue>map(JsonString::new).toList());
    }
}
