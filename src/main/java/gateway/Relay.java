package gateway;

import gateway.http.EventStream;
import gateway.http.Exchange;
import gateway.openai.ModelRequest;
import gateway.openai.Usage;
import gateway.worker.Worker;
import java.io.IOException;

/**
 * Passes a worker's stream to the client as Server-Sent Events and keeps its books:
 * {@link StreamRelay} for chat and text completion chunks, {@link EventRelay} for a
 * Responses stream's events. The event stream opens on the first frame, so a worker that
 * fails before it still gets a plain JSON error with the right status.
 */
abstract sealed class Relay implements Worker.ChunkSink permits StreamRelay, EventRelay {
    final Exchange exchange;
    final ModelRequest request;
    private volatile EventStream events;

    Relay(Exchange exchange, ModelRequest request) {
        this.exchange = exchange;
        this.request = request;
    }

    /** Ends a complete stream as its API does. */
    abstract void finish() throws IOException;

    /**
     * Records the model that answered and the usage on the exchange, however the stream
     * ended: a stream the client cancelled still used the GPU, and is counted (and charged
     * to its rate limit). Call once, when the stream is over.
     */
    abstract void record();

    /** During a backend's silence: a comment to the client, once the stream has started. */
    @Override
    public void keepAlive() throws IOException {
        EventStream opened = events;
        if (opened != null) {
            opened.keepAlive();
        }
    }

    /** The event stream, opened by the first frame sent. */
    EventStream open() throws IOException {
        if (events == null) {
            events = exchange.openEventStream();
        }
        return events;
    }

    /** For a backend that reported no usage: one token per four prompt characters, one per piece of text sent. */
    Usage estimate(long pieces) {
        return new Usage((request.promptCharacters() + 3) / 4, pieces, true);
    }
}
