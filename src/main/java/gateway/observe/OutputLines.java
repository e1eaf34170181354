package gateway.observe;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Log lines written to a stream, standard output for the jar: each line whole, in one
 * write, with no buffer, so a crash loses nothing already logged.
 *
 * <p>Lines are UTF-8 whatever the platform's encoding. {@code System.out} encodes with
 * {@code stdout.encoding}, which is ASCII where no locale is set (a container, a service,
 * {@code env -i}): a model or key name with an accent was logged with a {@code ?} in it.
 *
 * <p>A stream that fails (a closed pipe) drops the lines it cannot take, as
 * {@code System.out} would: the request they describe is not failed for it.
 */
public final class OutputLines implements Consumer<String> {
    private static final OutputLines STANDARD_OUTPUT = new OutputLines(new FileOutputStream(FileDescriptor.out));

    private final OutputStream out;
    /** A lock, not a monitor: see {@link RotatingFile#accept}. */
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * Lines written to {@code out}.
     *
     * @param out where the lines go, written to and never closed
     */
    public OutputLines(OutputStream out) {
        this.out = out;
    }

    /** {@return the lines of the process's standard output, one sink for every log that writes there} */
    public static OutputLines standardOutput() {
        return STANDARD_OUTPUT;
    }

    @Override
    public void accept(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            out.write(bytes);
        } catch (IOException e) {
            dropped.incrementAndGet();
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many lines the stream refused} */
    public long dropped() {
        return dropped.get();
    }
}
