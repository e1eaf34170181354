package gateway;

import gateway.http.EventStream;
import gateway.http.Exchange;
import gateway.json.JsonObject;
import gateway.openai.ModelRequest;
import gateway.openai.Usage;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Passes a Responses stream's events to the client as named Server-Sent Events
 * ({@code event: response.output_text.delta}, then its {@code data:}), one flushed frame
 * each, and keeps the books on usage. Such a stream ends with its last event
 * ({@code response.completed}, or {@code .failed}, {@code .incomplete}), which carries the
 * whole response and its usage: there is no {@code [DONE]}, and no usage to hold back.
 * A stream that reports no usage gets an estimate, as chat streams do.
 */
final class EventRelay extends Relay {
    /** An event name that is safe on an {@code event:} line: a backend's {@code type} goes there. */
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private String model;
    private Usage usage;
    private long deltas;

    EventRelay(Exchange exchange, ModelRequest request) {
        super(exchange, request);
    }

    @Override
    public void send(JsonObject event) throws IOException {
        exchange.trace().chunk(event);
        String type = event.string("type").orElse("");
        Optional<JsonObject> response = event.object("response");
        if (response.isPresent()) {
            response.get().string("model").ifPresent(name -> model = name);
            response.get().object("usage").flatMap(Usage::from).ifPresent(counts -> usage = counts);
        }
        if (type.equals("response.output_text.delta")) {
            deltas++;
        }
        EventStream stream = open();
        if (EVENT_NAME.matcher(type).matches()) {
            stream.send(type, event);
        } else {
            stream.send(event);
        }
    }

    /** The last event the worker sent ended the stream. */
    @Override
    void finish() {
    }

    @Override
    void record() {
        if (model != null) {
            exchange.facts().model(model);
        }
        Usage counted = usage != null ? usage : estimate(deltas);
        exchange.facts().usage(counted.promptTokens(), counted.completionTokens(), counted.estimated());
    }
}
