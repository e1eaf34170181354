package gateway.worker;

import gateway.http.ApiError;
import gateway.http.UpstreamErrors;
import gateway.telemetry.TraceContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The one {@link HttpClient} through which the gateway calls every backend (its connection
 * pool is shared, one per process as the JDK advises), and the {@link Watchdog} over their
 * replies. Closing a reply's body is how a call is cancelled.
 */
public final class BackendClient implements AutoCloseable {
    /** The largest whole (non-streamed) reply read from a backend. */
    static final int MAX_REPLY_BYTES = 32 << 20;

    private final HttpClient client;
    private final Watchdog watchdog = new Watchdog();

    public BackendClient(Duration connectTimeout) {
        // HTTP/1.1: inference servers speak it everywhere; h2c upgrades on plain http only add a round of headers.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                // The client's tasks (a response's headers, each piece of its body) run on the
                // thread that has them, its selector, instead of being handed to another thread:
                // measured by scripts/bench/ab.sh, 210 → 155 µs of CPU per proxied request and
                // +22% req/s at 64 connections, against a new virtual thread per task (which
                // itself had cost a third less than the default pool of platform threads). It is
                // safe because no task blocks: the one body handler used, ofInputStream, queues
                // each piece for the reading thread and asks for the next only once it is read,
                // and every send is synchronous, so no callback of ours runs there.
                // ConcurrentStreamsTest (2,000 streams, a quarter of their clients leaving) and
                // DepartingClientsTest hold it to that.
                .executor(Runnable::run)
                .build();
    }

    /** A whole reply of a backend. */
    record Reply(int status, HttpHeaders headers, byte[] body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * A request to a backend, with the gateway's credentials for it, never the client's, and
     * the span it belongs to ({@code null} for none), so that the backend's own span joins the trace.
     */
    static HttpRequest.Builder request(URI uri, String requestId, Duration timeout, String apiKey, TraceContext trace) {
        var builder = HttpRequest.newBuilder(uri).timeout(timeout).header("X-Request-ID", requestId);
        if (!apiKey.isEmpty()) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        if (trace != null) {
            builder.header("traceparent", trace.traceparent());
            if (trace.traceState() != null) {
                builder.header("tracestate", trace.traceState());
            }
        }
        return builder;
    }

    /**
     * Sends a request and reads its whole reply, which may be silent no longer than the
     * request's own timeout.
     */
    Reply fetch(HttpRequest request, BackendErrors errors, Worker.WaitMeter meter) {
        HttpResponse<InputStream> response = send(request, errors, meter);
        Duration silence = request.timeout().orElseThrow();
        try (var body = watchdog.watch(response.body(), silence, null, meter)) {
            return new Reply(response.statusCode(), response.headers(), readWhole(body, response.headers(), errors));
        } catch (IOException closing) {
            throw errors.brokenReply(closing);
        }
    }

    /** Sends a request and waits for the response headers, mapping failures to API errors. */
    HttpResponse<InputStream> send(HttpRequest request, BackendErrors errors, Worker.WaitMeter meter) {
        long start = System.nanoTime();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw errors.failedCall(e);
        } catch (IllegalArgumentException e) {
            // Not an IOException: what HttpClient throws for a response head it cannot read, such as a
            // Content-Length of "abc". The backend's fault (502), not the gateway's (500).
            throw errors.invalidReply("a response head that cannot be read", String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UpstreamErrors.backendUnavailable("The call to the backend was interrupted (the gateway is stopping).");
        } finally {
            meter.waited(System.nanoTime() - start);
        }
    }

    /**
     * Asks a server's {@code /health} with a short timeout: empty when it is up, else why not.
     * Any answer but a 5xx means up (a server without the endpoint answers 404); llama.cpp
     * answers 503 while it is still loading its model.
     */
    Optional<String> healthProblem(URI server, String apiKey, BackendErrors errors) {
        var check = request(URI.create(server + "/health"), "gateway-health", BackendModels.PROBE_TIMEOUT, apiKey, null).GET().build();
        try {
            Reply reply = fetch(check, errors, Worker.WaitMeter.NONE);
            return reply.status() < 500 ? Optional.empty()
                    : Optional.of(errors.who() + " answers " + reply.status() + " at /health: " + BackendErrors.messageOf(reply.body()));
        } catch (ApiError unreachable) {
            return Optional.of(unreachable.getMessage());
        }
    }

    /** A reply's body watched while it is read: see {@link Watchdog}. */
    Watchdog.Watched watch(InputStream body, Duration silence, Watchdog.KeepAlive keepAlive, Worker.WaitMeter meter) {
        return watchdog.watch(body, silence, keepAlive, meter);
    }

    /**
     * A whole body, up to {@link #MAX_REPLY_BYTES}; a failure to read it is the backend's.
     * Asked for its {@code Content-Length} when it has one: {@code readNBytes} allocates
     * (and zeroes) up to 16 KiB at a time for what it is asked, then copies what came.
     */
    static byte[] readWhole(InputStream body, HttpHeaders headers, BackendErrors errors) {
        // HttpClient has already framed the body by this length, and refused one it could not read.
        long declared = headers.firstValueAsLong("Content-Length").orElse(-1);
        try {
            byte[] bytes = body.readNBytes(declared >= 0 && declared < MAX_REPLY_BYTES ? (int) declared : MAX_REPLY_BYTES);
            // Also sees the end, which hands the connection back to the pool.
            if (body.read() != -1) {
                throw errors.invalidReply("a reply larger than " + MAX_REPLY_BYTES + " bytes", "");
            }
            return bytes;
        } catch (IOException e) {
            throw errors.brokenReply(e);
        }
    }

    /**
     * After {@code [DONE]} a reply has only its last chunk to come. Closed before that is
     * read, the connection would be reset instead of going back to the pool; read on its
     * own virtual thread, it does not hold up the client (the watchdog still bounds it).
     */
    static void finishReading(Watchdog.Watched body) {
        Thread.ofVirtual().start(() -> {
            try (body) {
                body.skip(MAX_REPLY_BYTES);
            } catch (IOException e) {
                // the connection is lost either way
            }
        });
    }

    /** Ends every call still open (the gateway has stopped, or cut, the requests behind them) and the watchdog. */
    @Override
    public void close() {
        client.shutdownNow(); // close() would wait for calls still open, such as a health check of a silent backend
        watchdog.close();
    }
}
