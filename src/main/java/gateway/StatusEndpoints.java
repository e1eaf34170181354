package gateway;

import gateway.http.Exchange;
import gateway.http.UpstreamErrors;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.observe.Metrics;
import gateway.route.RoutingWorker;
import gateway.worker.EchoWorker;
import gateway.worker.Worker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The routes that tell about the gateway rather than ask it for work: models, health, readiness, metrics, backends. */
final class StatusEndpoints {
    private final Worker worker;
    /** The router in use, to show the backends' states; null in echo mode. A reload may change it. */
    private final Supplier<RoutingWorker> routing;
    private final Metrics metrics;
    private final BooleanSupplier draining;

    StatusEndpoints(Worker worker, Supplier<RoutingWorker> routing, Metrics metrics, BooleanSupplier draining) {
        this.worker = worker;
        this.routing = routing;
        this.metrics = metrics;
        this.draining = draining;
    }

    /** {@code GET /v1/models}: the models of the backends, those the caller's key may use. */
    void models(Exchange exchange) throws IOException {
        JsonObject list = worker.models();
        var allowed = list.array("data").orElse(JsonArray.of()).values().stream()
                .filter(model -> model instanceof JsonObject m && exchange.facts().mayUse(m.string("id").orElse(null)))
                .toList();
        exchange.respond(200, list.with("data", new JsonArray(allowed)));
    }

    /**
     * {@code GET /v1/models/{model}}: one model of that list, by its id or an alias; 404
     * {@code model_not_found} for one not served, or not open to the caller's key (which
     * learns only of the models it may use).
     */
    void model(Exchange exchange) throws IOException {
        String id = exchange.pathParameter("model");
        var allowed = new ArrayList<String>();
        for (JsonValue entry : worker.models().array("data").orElse(JsonArray.of()).values()) {
            if (entry instanceof JsonObject model && exchange.facts().mayUse(model.string("id").orElse(null))) {
                if (id.equals(model.string("id").orElse(null))) {
                    exchange.respond(200, model);
                    return;
                }
                allowed.add(model.string("id").orElseThrow());
            }
        }
        throw UpstreamErrors.modelNotFound(id, allowed);
    }

    static void live(Exchange exchange) throws IOException {
        exchange.respond(200, JsonObject.builder().put("status", "ok").build());
    }

    /** JSON by default; Prometheus' text format for {@code ?format=prometheus} or {@code Accept: text/plain}. */
    void metrics(Exchange exchange) throws IOException {
        String accept = exchange.header("Accept");
        boolean prometheus = "format=prometheus".equals(exchange.query())
                || (accept != null && accept.contains("text/plain"));
        if (prometheus) {
            exchange.respond(200, Metrics.PROMETHEUS_CONTENT_TYPE, metrics.toPrometheus());
        } else {
            exchange.respond(200, metrics.toJson());
        }
    }

    /** Ready while not stopping and a backend takes requests (always, in echo mode); the body lists each backend's state. */
    void ready(Exchange exchange) throws IOException {
        RoutingWorker router = routing.get();
        var reason = draining.getAsBoolean() ? Optional.of("the gateway is shutting down") : worker.notReadyReason();
        var body = JsonObject.builder()
                .put("status", reason.isPresent() ? "unavailable" : "ready")
                .put("mode", mode(router))
                .put("reason", reason.orElse(null));
        if (router != null) {
            body.put("backends", router.backendStates(false).get("data"));
        }
        exchange.respond(reason.isPresent() ? 503 : 200, body.build());
    }

    /** Where answers come from: the backends, the echo, or a worker an embedder gave the builder. */
    private String mode(RoutingWorker router) {
        if (router != null) {
            return "backend";
        }
        return worker.describe().equals(EchoWorker.NAME) ? "echo" : "custom";
    }

    /** {@code GET /admin/backends}: every backend's address, state, load and counters. */
    void backends(Exchange exchange) throws IOException {
        RoutingWorker router = routing.get();
        exchange.respond(200, router != null ? router.backendStates(true)
                : JsonObject.builder().put("object", "list").put("queue_depth", 0).put("data", JsonArray.of()).build());
    }
}
