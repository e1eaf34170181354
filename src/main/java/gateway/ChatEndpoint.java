package gateway;

import gateway.chat.ChatRequest;
import gateway.chat.Usage;
import gateway.config.Settings;
import gateway.http.Exchange;
import gateway.json.JsonObject;
import gateway.worker.Worker;
import java.io.IOException;

/** {@code POST /v1/chat/completions}: read, parse and check, hand to the worker, answer. */
final class ChatEndpoint {
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
        exchange.model(request.model());
        exchange.stream(request.stream());
        exchange.backend(worker.describe());
        if (request.stream()) {
            var relay = new StreamRelay(exchange, request);
            try {
                worker.stream(request, relay, exchange::addBackendWait);
                relay.finish();
            } finally {
                relay.record(); // also when the stream broke or the client left
            }
        } else {
            JsonObject completion = worker.complete(request, exchange::addBackendWait);
            completion.string("model").ifPresent(exchange::model); // the model that answered
            completion.object("usage").flatMap(Usage::from)
                    .ifPresent(usage -> exchange.usage(usage.promptTokens(), usage.completionTokens(), false));
            exchange.respond(200, completion);
        }
    }
}
