package gateway.worker;

import gateway.http.ApiError;
import gateway.json.JsonObject;
import gateway.openai.ModelRequest;
import gateway.telemetry.BackendAttempt;
import gateway.telemetry.TraceContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns a checked {@link ModelRequest} (a chat, a text completion, an embedding or a
 * response) into a reply: the seam where answers come from. {@link EchoWorker} answers
 * locally, and any {@link TextWorker} makes its own text; {@link OpenAiBackend} asks an
 * OpenAI-compatible server and {@link PromptBackend} a "prompt in, text out" one; the
 * router ({@code gateway.route.RoutingWorker}) is a worker too, choosing one of those per request.
 *
 * <p>Threading: methods are called from many request threads at once (virtual
 * threads), so implementations are thread-safe; they may block.
 * Failures are thrown as {@link ApiError}s carrying the status the client should see.
 */
public interface Worker {

    /** Receives the chunks of a stream, in order. */
    @FunctionalInterface
    interface ChunkSink {
        /**
         * Sends one chunk to the client at once (one SSE frame, flushed).
         *
         * @param chunk a chat or text completion chunk, or a response's event
         * @throws IOException when the client has gone away; the worker must then stop
         */
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
        /** A meter that keeps nothing. */
        WaitMeter NONE = nanos -> { };

        /**
         * Adds time spent waiting on a backend (or standing in for one, as the echo's pauses do).
         *
         * @param nanos the time, in nanoseconds
         */
        void waited(long nanos);
    }

    /**
     * One client's call as a worker sees it: who asks, and where the worker reports what
     * happened, for the log and the metrics. The gateway makes one per request.
     */
    interface Call extends WaitMeter {
        /**
         * {@return who is asking: {@code key:} and the API key's name, else {@code address:} and the client's address}
         * Queued requests are served by caller in turn.
         */
        String caller();

        /** {@return the client's session (its {@code X-Session-ID}, else the request's {@code user}), or null} */
        String session();

        /** {@return the time by which a backend's answer must have started ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}} */
        default long deadline() {
            return Long.MAX_VALUE;
        }

        /**
         * {@return how long to wait for a backend's answer to start: {@code timeout}, or less when the deadline comes first}
         *
         * @param timeout the backend's own timeout
         */
        default Duration waitAtMost(Duration timeout) {
            long left = deadline() - System.nanoTime();
            // HttpClient wants a positive timeout; a deadline already passed is the router's to refuse.
            return deadline() == Long.MAX_VALUE ? timeout : Duration.ofNanos(Math.max(1_000_000, Math.min(timeout.toNanos(), left)));
        }

        /**
         * Reports time spent waiting in the queue for a backend's free slot.
         *
         * @param nanos the time, in nanoseconds
         */
        default void queued(long nanos) {
        }

        /**
         * Reports the backend that answered (or failed last), for the log and the {@code X-Gateway-Backend} header.
         *
         * @param backend  its name
         * @param attempts how many backends were tried, this one included
         */
        default void answeredBy(String backend, int attempts) {
        }

        /**
         * Runs {@code onDeparture} (once, from another thread) if the client is seen to leave
         * while nothing has been sent to it yet.
         *
         * @param onDeparture what to do then, such as closing the backend call
         * @return the watch: close it to stop watching
         */
        default Watch watchDeparture(Runnable onDeparture) {
            return () -> { };
        }

        /**
         * {@return where this call sits in its trace, sent on as {@code traceparent}} The request's span,
         * or for one backend attempt its own span below it; {@code null} for none.
         */
        default TraceContext trace() {
            return null;
        }

        /**
         * Reports that a call to one backend ended, for its span.
         *
         * @param attempt the backend, its times and its outcome
         */
        default void attempted(BackendAttempt attempt) {
        }
    }

    /** Something watched until it is closed; closing never fails. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The whole reply in the request's {@link gateway.openai.Operation} shape: a
     * {@code chat.completion} or a {@code text_completion} whose {@code id} is the request's
     * id, an embeddings {@code list}, or a {@code response}.
     *
     * @param request the checked request
     * @param call    who asks, and where to report what happened
     * @return the reply
     * @throws IOException when the client went away while the request waited
     */
    JsonObject complete(ModelRequest request, Call call) throws IOException;

    /**
     * Streams the reply to {@code sink}, returning once it is complete: chat or text
     * completion chunks (the caller writes {@code [DONE]}; a chunk carrying {@code usage}
     * should be sent whether or not the client asked for it: the caller decides), or a
     * response's events, each with its {@code type}, the last {@code response.completed}.
     * Embeddings never stream.
     *
     * @param request the checked request, asking for a stream
     * @param sink    where the chunks go, in order
     * @param call    who asks, and where to report what happened
     * @throws IOException only when {@code sink} threw it: the client went away
     */
    void stream(ModelRequest request, ChunkSink sink, Call call) throws IOException;

    /**
     * {@return whether this worker can answer {@code request} at all} A pool sends a request
     * only to the backends that can, when any can. Most answer every request; a prompt API
     * has no embeddings.
     *
     * @param request the checked request
     */
    default boolean serves(ModelRequest request) {
        return true;
    }

    /** {@return the model list, in the shape of OpenAI's {@code GET /v1/models}} */
    JsonObject models();

    /** {@return empty when the worker can take work, else why it cannot} */
    Optional<String> notReadyReason();

    /** {@return where replies come from, for the log: {@code echo}, or the backend's name} */
    String describe();
}
