package gateway.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;

/**
 * How an exchange ends, so that its answer always reaches the client.
 *
 * <p>Normally the exchange is closed and its connection carries the next request. An answer
 * given before the request's body has all arrived (a 401, 413, 429 or 503, decided before
 * the body is read) is different: on close, the JDK server would read the rest of the body
 * before it sends the answer, so a client that waits for the answer before sending more
 * would wait for ever. Such an answer carries {@code Connection: close} and is flushed
 * instead; then what the client still sends is read and dropped until it closes its side
 * ({@link #LINGER_BYTES} at most, and the server's request timeout), and the connection is
 * dropped. Closing a socket with unread input resets it, and a reset can destroy the answer
 * at the client before it is read (RFC 9112, section 9.6).
 */
final class Teardown {
    /** The most of an unread body that is read and dropped after an early answer, before the connection is cut. */
    static final long LINGER_BYTES = 1 << 20;

    private final HttpExchange http;
    private boolean bodyRead;
    private boolean closesConnection;

    Teardown(HttpExchange http) {
        this.http = http;
    }

    /** The handler has read the whole body: the connection can carry the next request. */
    void bodyRead() {
        bodyRead = true;
    }

    /** Just before the answer's headers go: an answer that comes before its request's body ends the connection. */
    void beforeAnswer() throws IOException {
        if (bodyStillArriving()) {
            http.getResponseHeaders().set("Connection", "close");
            closesConnection = true;
        }
    }

    boolean closesConnection() {
        return closesConnection;
    }

    /**
     * Completes the answer once the request is logged: closes the exchange, or, for an
     * early answer, flushes it.
     *
     * @return false when the flush failed: the client has gone
     */
    boolean finish() {
        if (!closesConnection) {
            http.close();
            return true;
        }
        try {
            http.getResponseBody().flush();
            return true;
        } catch (IOException clientGone) {
            return false;
        }
    }

    /** After an early answer: reads and drops what the client still sends, until it closes its side. */
    void linger() {
        try {
            InputStream unread = http.getRequestBody();
            byte[] buffer = new byte[8192];
            for (long dropped = 0, n; dropped < LINGER_BYTES && (n = unread.read(buffer)) >= 0; dropped += n) {
                // dropped
            }
        } catch (IOException clientClosed) {
            // its side is closed: the answer was delivered, or cannot be
        }
    }

    /** True when the request has a body that was not read and has not all arrived. */
    private boolean bodyStillArriving() throws IOException {
        if (bodyRead) {
            return false;
        }
        var headers = http.getRequestHeaders();
        if (headers.getFirst("Transfer-Encoding") != null) {
            return true; // chunked: its end cannot be seen without reading
        }
        String length = headers.getFirst("Content-Length");
        if (length == null) {
            return false;
        }
        // Already all here (a small request): the JDK server reads it off without waiting.
        long declared = Long.parseLong(length.strip()); // the JDK server has checked its form
        return declared > 0 && http.getRequestBody().available() < declared;
    }
}
