package gateway.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Log lines appended to a file that is rotated when it would grow past {@code maxBytes}:
 * {@code gateway.log} becomes {@code gateway.log.1}, {@code .1} becomes {@code .2}, and
 * so on; the oldest beyond {@code maxFiles} is deleted. Each line is written whole, with
 * no buffer, so a crash loses nothing already logged.
 *
 * <p>A failing disk must not fail requests: a line that cannot be written is dropped,
 * counted, and reported on standard error (once, then every 1000th).
 */
public final class RotatingFile implements Consumer<String>, AutoCloseable {
    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private OutputStream out;
    private long size;
    private final AtomicLong dropped = new AtomicLong();
    /** Guards the stream and its size. */
    private final ReentrantLock lock = new ReentrantLock();

    public RotatingFile(Path file, long maxBytes, int maxFiles) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    /**
     * Writes one line. Under a lock that parks a virtual thread that must wait, rather
     * than a monitor: a thread waiting on a monitor first spins on its carrier while the
     * other thread's write system call runs. With two cores serving echo mode, JFR found
     * 15% of the gateway's samples spinning here, and the lock took CPU per request from
     * 67 to 59 µs (scripts/bench/ab.sh, 5 rounds each).
     */
    @Override
    public void accept(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (out != null && size + bytes.length > maxBytes && size > 0) {
                rotate();
            }
            if (out == null) {
                open();
            }
            out.write(bytes);
            size += bytes.length;
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            long droppedSoFar = dropped.incrementAndGet();
            if (droppedSoFar % 1000 == 1) {
                System.err.println("gateway: cannot write the log file " + file + " (" + e.getMessage()
                        + "); " + droppedSoFar + " line(s) dropped so far");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lines that could not be written. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    private void open() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    private void rotate() throws IOException {
        closeQuietly();
        Files.deleteIfExists(numbered(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (maxFiles > 0) {
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(file);
        }
    }

    private Path numbered(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is being given up on
            }
            out = null;
        }
    }
}
