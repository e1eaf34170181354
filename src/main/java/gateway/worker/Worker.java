package gateway.worker;

import gateway.chat.ChatRequest;
import gateway.http.ApiError;
import gateway.json.JsonObject;
import java.io.IOException;
import java.util.Optional;

/**
 * Turns a checked {@link ChatRequest} into a reply: the seam where answers come from.
 * {@link EchoWorker} answers locally; {@link BackendWorker} asks an OpenAI-compatible
 * server. Routing by model, balancing and failover would be workers too.
 *
 * <p>Threading: methods are called from many request threads at once (virtual
 * threads), so implementations are thread-safe; they may block.
 * Failures are thrown as {@link ApiError}s carrying the status the client should see.
 */
public interface Worker {

    /** Receives the chunks of a stream, in order. */
    @FunctionalInterface
    interface ChunkSink {
        /** @throws IOException when the client has gone away; the worker must then stop */
        void send(JsonObject chunk) throws IOException;

        /**
         * Tells the client the stream is alive during a silence, from another thread; does
         * nothing before the stream has started.
         *
         * @throws IOException when the client has gone away
         */
        default void keepAlive() throws IOException {
        }
    }

    /** Told how long a call waited on its backend, to tell the gateway's own overhead apart. */
    @FunctionalInterface
    interface WaitMeter {
        WaitMeter NONE = nanos -> { };

        void waited(long nanos);
    }

    /** A whole {@code chat.completion} object, its {@code id} being the request's id. */
    JsonObject complete(ChatRequest request, WaitMeter meter);

    /**
     * Streams {@code chat.completion.chunk} objects to {@code sink}, returning once the
     * reply is complete; the caller writes {@code [DONE]}. A chunk carrying {@code usage}
     * should be sent whether or not the client asked for it: the caller decides.
     *
     * @throws IOException only when {@code sink} threw it: the client went away
     */
    void stream(ChatRequest request, ChunkSink sink, WaitMeter meter) throws IOException;

    /** The model list, in the shape of OpenAI's {@code GET /v1/models}. */
    JsonObject models();

    /** Empty when the worker can take work, else why it cannot. */
    Optional<String> notReadyReason();

    /** Where replies come from, for the log: {@code echo} or the backend's address. */
    String describe();
}
