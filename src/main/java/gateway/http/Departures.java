package gateway.http;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices clients that leave while their request waits with nothing sent to them yet, such
 * as a request queued for a backend's slot.
 *
 * <p>The JDK's HTTP server cannot tell: it learns that a client has gone only when a write
 * fails, and any byte written would fix the answer's status before it is known. The
 * kernel can: a connection whose client has closed it is in state CLOSE_WAIT (or CLOSE
 * after a reset) until the server closes its side. So while anything is watched, Linux's
 * socket tables ({@code /proc/net/tcp} and {@code tcp6}) are read every {@link #INTERVAL}
 * and the watchers whose connection is found closed are told. Where there are no such
 * tables, nothing is noticed here, and a departed client is noticed at the first write.
 */
public final class Departures implements AutoCloseable {
    /** How often the tables are read while something is watched: "at once" for a person. */
    static final Duration INTERVAL = Duration.ofMillis(200);
    private static final List<Path> TABLES = List.of(Path.of("/proc/self/net/tcp"), Path.of("/proc/self/net/tcp6"));
    /** The states of a connection its client has closed: CLOSE_WAIT (FIN received) and CLOSE (reset). */
    private static final List<String> CLOSED = List.of("08", "07");

    /** Each watched connection, by its two ends as the tables write them, and what to run when it closes. */
    private final Map<String, Runnable> watched = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "client-departures");
        thread.setDaemon(true);
        return thread;
    });

    public Departures() {
        if (Files.isReadable(TABLES.getFirst())) {
            timer.scheduleWithFixedDelay(this::scan, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Runs {@code onDeparture} once, from another thread, if the connection between
     * {@code local} and {@code remote} is seen closed by its client.
     *
     * @return what stops the watch
     */
    Runnable watch(InetSocketAddress local, InetSocketAddress remote, Runnable onDeparture) {
        // An IPv4 client of a dual-stack (IPv6) socket is listed in tcp6, its address IPv4-mapped.
        List<String> keys = List.of(endpoint(local, false) + " " + endpoint(remote, false),
                endpoint(local, true) + " " + endpoint(remote, true));
        keys.forEach(key -> watched.put(key, onDeparture));
        return () -> keys.forEach(key -> watched.remove(key, onDeparture));
    }

    private void scan() {
        if (watched.isEmpty()) {
            return;
        }
        for (Path table : TABLES) {
            try (var lines = Files.lines(table)) {
                lines.skip(1).forEach(line -> {
                    // "  12: 0100007F:1F90 0100007F:C350 08 …": slot, local, remote, state
                    String[] fields = line.strip().split("\\s+", 5);
                    if (fields.length > 3 && CLOSED.contains(fields[3])) {
                        Runnable onDeparture = watched.remove(fields[1] + " " + fields[2]);
                        if (onDeparture != null) {
                            watched.values().remove(onDeparture); // its other spelling
                            onDeparture.run();
                        }
                    }
                });
            } catch (IOException | RuntimeException e) {
                // a table that cannot be read tells nothing; the next scan tries again
            }
        }
    }

    /**
     * An address and port as the kernel's tables write them: the address in hex, 32 bits at
     * a time in the machine's (little-endian) order, a colon, the port in hex.
     *
     * @param mapped write an IPv4 address as IPv6 does, {@code ::ffff:a.b.c.d}
     */
    static String endpoint(InetSocketAddress address, boolean mapped) {
        byte[] bytes = address.getAddress().getAddress();
        if (mapped && address.getAddress() instanceof Inet4Address) {
            byte[] v6 = new byte[16];
            v6[10] = (byte) 0xff;
            v6[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, v6, 12, 4);
            bytes = v6;
        }
        var hex = new StringBuilder();
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 3; i >= 0; i--) {
                hex.append(String.format("%02X", bytes[word + i] & 0xff));
            }
        }
        return hex.append(':').append(String.format("%04X", address.getPort())).toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
