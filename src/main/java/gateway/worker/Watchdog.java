package gateway.worker;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches backend replies while they are read, from one shared timer thread (and
 * measures how long each read waited, which is time spent on the backend, not the gateway):
 * <ul>
 *   <li>a reply silent for longer than its idle timeout is closed, and reads as timed out
 *       ({@code HttpClient} has no read timeout of its own once headers have arrived);
 *   <li>during a silence, the client is sent a keep-alive every {@link #KEEP_ALIVE}: the
 *       JDK server only tells that a client has gone when a write fails, so this is how
 *       a departed client is noticed, and its backend call closed, within a second.
 * </ul>
 * Closing a reply's body from here wakes the thread blocked reading it.
 */
final class Watchdog implements AutoCloseable {
    /**
     * Silence after which the client is pinged. A departed client is only noticed at the
     * second write after it left (the first still succeeds; its RST fails the next), so
     * two pings must fit well within a second.
     */
    static final Duration KEEP_ALIVE = Duration.ofMillis(300);
    private static final long TICK_MILLIS = 100;

    /** Why a watched reply was closed. */
    private enum Verdict { NONE, TIMED_OUT, CLIENT_GONE }

    /** A read of a reply the watchdog closed because the backend was silent too long. */
    static final class SilentBackend extends IOException {
        private final Duration limit;

        SilentBackend(Duration limit) {
            super("the backend was silent for longer than " + limit.toSeconds() + " s");
            this.limit = limit;
        }

        /** The silence that was allowed. */
        Duration limit() {
            return limit;
        }
    }

    /** A read of a reply the watchdog closed because the client went away meanwhile. */
    static final class ClientGone extends IOException {
        ClientGone() {
            super("the client went away while the backend was silent");
        }
    }

    /** Something that can be pinged during a silence; throws when the client has gone. */
    @FunctionalInterface
    interface KeepAlive {
        void ping() throws IOException;
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "backend-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();

    Watchdog() {
        timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Wraps a reply's body; close the result to stop watching. */
    Watched watch(InputStream body, Duration idleTimeout, KeepAlive keepAlive, Worker.WaitMeter meter) {
        var w = new Watched(body, idleTimeout.toNanos(), keepAlive, meter);
        watched.add(w);
        return w;
    }

    private void tick() {
        long now = System.nanoTime();
        for (Watched w : watched) {
            long silent = now - w.lastRead;
            if (silent > w.idleTimeoutNanos) {
                w.end(Verdict.TIMED_OUT);
            } else if (w.keepAlive != null && now - w.lastPing >= KEEP_ALIVE.toNanos() && silent >= KEEP_ALIVE.toNanos()) {
                w.lastPing = now;
                // On its own virtual thread: a slow client must not hold up the timer.
                Thread.ofVirtual().start(w::ping);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /**
     * A watched body: reading it counts as activity. Once the watchdog has closed it, a
     * read that ends (or fails) throws {@link SilentBackend} or {@link ClientGone}, so
     * callers learn why from the exception alone.
     */
    final class Watched extends FilterInputStream {
        private final long idleTimeoutNanos;
        private final KeepAlive keepAlive;
        private final Worker.WaitMeter meter;
        private volatile long lastRead = System.nanoTime();
        private volatile long lastPing = System.nanoTime();
        private volatile Verdict verdict = Verdict.NONE;

        private Watched(InputStream body, long idleTimeoutNanos, KeepAlive keepAlive, Worker.WaitMeter meter) {
            super(body);
            this.idleTimeoutNanos = idleTimeoutNanos;
            this.keepAlive = keepAlive;
            this.meter = meter;
        }

        @Override
        public int read() throws IOException {
            long start = System.nanoTime();
            try {
                return ended(super.read());
            } catch (IOException e) {
                throw explained(e);
            } finally {
                readAfter(start);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long start = System.nanoTime();
            try {
                return ended(super.read(buffer, offset, length));
            } catch (IOException e) {
                throw explained(e);
            } finally {
                readAfter(start);
            }
        }

        /** A read is activity, and the time it blocked was spent waiting on the backend. */
        private void readAfter(long start) {
            lastRead = System.nanoTime();
            meter.waited(lastRead - start);
        }

        /** Closing the body makes a blocked read see its end: say why, if the watchdog closed it. */
        private int ended(int n) throws IOException {
            if (n < 0 && verdict != Verdict.NONE) {
                throw explained(null);
            }
            return n;
        }

        private IOException explained(IOException failure) {
            return switch (verdict) {
                case TIMED_OUT -> new SilentBackend(Duration.ofNanos(idleTimeoutNanos));
                case CLIENT_GONE -> new ClientGone();
                case NONE -> failure;
            };
        }

        @Override
        public void close() throws IOException {
            watched.remove(this);
            super.close();
        }

        private void ping() {
            try {
                keepAlive.ping();
            } catch (IOException clientGone) {
                end(Verdict.CLIENT_GONE);
            }
        }

        private void end(Verdict why) {
            if (verdict == Verdict.NONE) {
                verdict = why;
            }
            watched.remove(this);
            try {
                super.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }
    }
}
