package gateway.http;

import gateway.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events response (text/event-stream): one {@code data:} frame per event,
 * each flushed at once so no byte waits in a buffer, ending with {@code data: [DONE]}
 * as OpenAI's streams do.
 *
 * <p>An {@link IOException} from {@link #send} means the client has gone away. Writes are
 * synchronized, so a keep-alive from another thread never splits a frame.
 */
public final class EventStream {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** An SSE comment: clients ignore it (SSE spec, "Parsing an event stream"). */
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final Runnable onFirstFrame;
    private boolean sentFrame;
    private boolean done;
    private ApiError cutBy;

    EventStream(OutputStream out, Runnable onFirstFrame) {
        this.out = out;
        this.onFirstFrame = onFirstFrame;
    }

    /** Sends one event. Compact JSON holds no raw line breaks, so one {@code data:} line carries it. */
    public void send(JsonValue data) throws IOException {
        write(("data: " + data.toJson() + "\n\n").getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * Sends one named event, as the Responses API names each of its events after its
     * {@code type}: an {@code event:} line before the {@code data:} line.
     */
    public void send(String event, JsonValue data) throws IOException {
        write(("event: " + event + "\ndata: " + data.toJson() + "\n\n").getBytes(StandardCharsets.UTF_8), true);
    }

    /** Sends a comment that clients ignore; a failure to send it means the client has gone. */
    public void keepAlive() throws IOException {
        write(KEEP_ALIVE, false);
    }

    /** Ends the stream the way OpenAI clients expect. */
    public synchronized void sendDone() throws IOException {
        write(DONE, true);
        done = true;
    }

    /**
     * Ends a stream that failed after it started: the error in OpenAI's shape as a last
     * event, then {@code [DONE]}, so the client sees a failure, not a short success.
     */
    synchronized void sendError(ApiError error) {
        if (done) {
            return;
        }
        try {
            send(error.toJson());
            sendDone();
        } catch (IOException clientGone) {
            // nobody is left to tell
        }
    }

    /**
     * Ends the stream from another thread (at shutdown) with {@code error} and {@code [DONE]};
     * every later write fails, which stops the thread still producing frames. Nothing
     * happens to a stream that has already ended.
     */
    synchronized void cut(ApiError error) {
        if (!done) {
            sendError(error);
            cutBy = error;
        }
    }

    /** The error the stream was cut with, or null when it was not cut. */
    synchronized ApiError cutBy() {
        return cutBy;
    }

    /** Synchronized: keep-alives, and a cut at shutdown, come from other threads than the frames. */
    private synchronized void write(byte[] frame, boolean isEvent) throws IOException {
        if (cutBy != null) {
            throw new IOException("the stream was ended at shutdown");
        }
        out.write(frame);
        // The JDK server buffers chunked output: flush, or the frame waits for more.
        out.flush();
        if (isEvent && !sentFrame) {
            sentFrame = true;
            onFirstFrame.run();
        }
    }
}
