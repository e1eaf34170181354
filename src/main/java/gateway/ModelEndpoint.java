package gateway;

import gateway.access.Access;
import gateway.config.Settings;
import gateway.http.Exchange;
import gateway.json.JsonObject;
import gateway.openai.ModelRequest;
import gateway.openai.Operation;
import gateway.openai.Usage;
import gateway.telemetry.BackendAttempt;
import gateway.telemetry.TraceContext;
import gateway.worker.Worker;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * {@code POST} of one model {@link Operation} ({@code /v1/chat/completions},
 * {@code /v1/completions}, {@code /v1/embeddings}, {@code /v1/responses}): read, parse
 * and check (the gateway's checks, then the embedder's {@link RequestCheck}), hand to the
 * worker, answer whole or streamed, and note the usage.
 */
final class ModelEndpoint {
    /** The longest session id kept: longer ones are cut, so clients cannot grow the sessions map's keys. */
    static final int MAX_SESSION_ID = 256;

    private final Operation operation;
    private final Worker worker;
    private final Supplier<Settings> settings;
    private final RequestCheck check;

    /** @param settings the settings in force, asked at each request: a reload may change the limits */
    ModelEndpoint(Operation operation, Worker worker, Supplier<Settings> settings, RequestCheck check) {
        this.operation = operation;
        this.worker = worker;
        this.settings = settings;
        this.check = check;
    }

    void handle(Exchange exchange) throws IOException {
        Settings now = settings.get();
        var limits = new ModelRequest.Limits(now.limits().maxTokens(), now.limits().maxMessages());
        ModelRequest request = ModelRequest.parse(operation, exchange.readBody(now.limits().maxBodyBytes()),
                exchange.requestId(), now.upstream().defaultModel(), limits);
        exchange.facts().model(request.model());
        exchange.facts().stream(request.stream());
        exchange.trace().request(request);
        Access.checkModel(exchange, request.model());
        check.check(request, new RequestCheck.Client(exchange.facts().caller(), exchange.clientAddress()));
        var call = new ExchangeCall(exchange, session(exchange, request));
        if (request.stream()) {
            Relay relay = operation == Operation.RESPONSE ? new EventRelay(exchange, request) : new StreamRelay(exchange, request);
            try {
                worker.stream(request, relay, call);
                relay.finish();
            } finally {
                relay.record(); // also when the stream broke or the client left
            }
        } else {
            JsonObject reply = worker.complete(request, call);
            exchange.trace().reply(reply);
            reply.string("model").ifPresent(exchange.facts()::model); // the model that answered
            JsonObject usage = reply.object("usage").orElse(null);
            if (usage != null) {
                Usage.from(usage).ifPresent(counts -> exchange.facts().usage(counts.promptTokens(), counts.completionTokens(), false));
            }
            exchange.facts().cachedTokens(Usage.cachedTokens(reply.object("timings").orElse(null), usage));
            exchange.respond(200, reply);
        }
    }

    /** The client's session: its {@code X-Session-ID} header, else the request's {@code user}, else none. */
    private static String session(Exchange exchange, ModelRequest request) {
        String session = exchange.header("X-Session-ID");
        if (session == null || session.isBlank()) {
            session = request.body().string("user").orElse(null);
        }
        if (session == null || session.isBlank()) {
            return null;
        }
        return session.length() <= MAX_SESSION_ID ? session : session.substring(0, MAX_SESSION_ID);
    }

    /** One request's call as the worker sees it: what the worker reports lands on the exchange, for the log and metrics. */
    private record ExchangeCall(Exchange exchange, String session) implements Worker.Call {
        @Override
        public String caller() {
            return exchange.facts().caller() != null ? "key:" + exchange.facts().caller() : "address:" + exchange.clientAddress();
        }

        @Override
        public void waited(long nanos) {
            exchange.addBackendWait(nanos);
        }

        @Override
        public void queued(long nanos) {
            exchange.facts().addQueueWait(nanos);
            exchange.trace().queued(nanos);
        }

        @Override
        public void answeredBy(String backend, int attempts) {
            exchange.backend(backend, attempts);
        }

        @Override
        public Worker.Watch watchDeparture(Runnable onDeparture) {
            return exchange.watchDeparture(onDeparture)::run;
        }

        @Override
        public TraceContext trace() {
            return exchange.trace().span();
        }

        @Override
        public void attempted(BackendAttempt attempt) {
            exchange.trace().attempted(attempt);
        }
    }
}
