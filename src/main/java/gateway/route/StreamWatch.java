package gateway.route;

import gateway.json.JsonObject;
import gateway.worker.Worker.ChunkSink;
import java.io.IOException;

/**
 * Passes a stream's chunks on, noting whether any has gone to the client (after that, a
 * failure can no longer be retried on another backend) and the last {@code timings} and
 * {@code usage} seen (llama.cpp sends its timings in the last chunk, usage comes last).
 */
final class StreamWatch implements ChunkSink {
    private final ChunkSink client;
    private volatile boolean started;
    private JsonObject timings;
    private JsonObject usage;

    StreamWatch(ChunkSink client) {
        this.client = client;
    }

    @Override
    public void send(JsonObject chunk) throws IOException {
        started = true;
        chunk.object("timings").ifPresent(t -> timings = t);
        chunk.object("usage").ifPresent(u -> usage = u);
        client.send(chunk);
    }

    @Override
    public void keepAlive() throws IOException {
        client.keepAlive();
    }

    boolean started() {
        return started;
    }

    JsonObject timings() {
        return timings;
    }

    JsonObject usage() {
        return usage;
    }
}
