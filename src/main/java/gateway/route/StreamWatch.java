package gateway.route;

import gateway.json.JsonObject;
import gateway.worker.Worker.ChunkSink;
import java.io.IOException;

/**
 * Passes a stream's chunks on, noting whether any has gone to the client: after that, a
 * failure can no longer be retried on another backend.
 */
final class StreamWatch implements ChunkSink {
    private final ChunkSink client;
    private volatile boolean started;

    StreamWatch(ChunkSink client) {
        this.client = client;
    }

    @Override
    public void send(JsonObject chunk) throws IOException {
        started = true;
        client.send(chunk);
    }

    @Override
    public void keepAlive() throws IOException {
        client.keepAlive();
    }

    boolean started() {
        return started;
    }
}
