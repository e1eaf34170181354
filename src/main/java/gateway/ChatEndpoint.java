package gateway;

import gateway.access.Access;
import gateway.chat.ChatRequest;
import gateway.chat.Usage;
import gateway.config.Settings;
import gateway.http.Exchange;
import gateway.json.JsonObject;
import gateway.telemetry.BackendAttempt;
import gateway.telemetry.TraceContext;
import gateway.worker.Worker;
import java.io.IOException;

/** {@code POST /v1/chat/completions}: read, parse and check, hand to the worker, answer. */
final class ChatEndpoint {
    /** The longest session id kept: longer ones are cut, so clients cannot grow the sessions map's keys. */
    static final int MAX_SESSION_ID = 256;

    private final Worker worker;
    private final Settings settings;
    private final ChatRequest.Limits limits;

    ChatEndpoint(Worker worker, Settings settings) {
        this.worker = worker;
        this.settings = settings;
        this.limits = new ChatRequest.Limits(settings.limits().maxTokens(), settings.limits().maxMessages());
    }

    void handle(Exchange exchange) throws IOException {
        ChatRequest request = ChatRequest.parse(exchange.readBody(settings.limits().maxBodyBytes()), exchange.requestId(),
                settings.upstream().defaultModel(), limits);
        exchange.facts().model(request.model());
        exchange.facts().stream(request.stream());
        exchange.trace().chat(request);
        Access.checkModel(exchange, request.model());
        var call = new ExchangeCall(exchange, session(exchange, request));
        if (request.stream()) {
            var relay = new StreamRelay(exchange, request);
            try {
                worker.stream(request, relay, call);
                relay.finish();
            } finally {
                relay.record(); // also when the stream broke or the client left
            }
        } else {
            JsonObject completion = worker.complete(request, call);
            exchange.trace().completion(completion);
            completion.string("model").ifPresent(exchange.facts()::model); // the model that answered
            JsonObject usage = completion.object("usage").orElse(null);
            if (usage != null) {
                Usage.from(usage).ifPresent(counts -> exchange.facts().usage(counts.promptTokens(), counts.completionTokens(), false));
            }
            exchange.facts().cachedTokens(Usage.cachedTokens(completion.object("timings").orElse(null), usage));
            exchange.respond(200, completion);
        }
    }

    /** The client's session: its {@code X-Session-ID} header, else the request's {@code user}, else none. */
    private static String session(Exchange exchange, ChatRequest request) {
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
