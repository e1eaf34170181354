package gateway.keys;

import gateway.observe.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps the key store and the usage book in step with their files: every second it
 * re-reads a key store changed on disk, and every {@link #SAVE_EVERY} (5 s) it saves
 * usage and last-used times, so that a crash ({@code kill -9}) loses at most those few
 * seconds. {@link #close()} saves once more, at shutdown.
 */
public final class Autosave implements AutoCloseable {
    static final Duration RELOAD_EVERY = Duration.ofSeconds(1);
    static final Duration SAVE_EVERY = Duration.ofSeconds(5);

    private final KeyStore store;
    private final UsageBook usage;
    private final Path usageFile;
    private final Log log;
    private final LongSupplier epochSeconds;
    /** The last error a re-read met, logged once; null after a good read. Only the timer's thread uses it. */
    private String lastReloadError;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("key-store-autosave").factory());

    public Autosave(KeyStore store, UsageBook usage, Path usageFile, Log log, LongSupplier epochSeconds) {
        this(store, usage, usageFile, log, epochSeconds, RELOAD_EVERY, SAVE_EVERY);
    }

    /** With other periods: tests use milliseconds. */
    Autosave(KeyStore store, UsageBook usage, Path usageFile, Log log, LongSupplier epochSeconds,
            Duration reloadEvery, Duration saveEvery) {
        this.store = store;
        this.usage = usage;
        this.usageFile = usageFile;
        this.log = log;
        this.epochSeconds = epochSeconds;
        timer.scheduleWithFixedDelay(this::reload, reloadEvery.toNanos(), reloadEvery.toNanos(), TimeUnit.NANOSECONDS);
        timer.scheduleWithFixedDelay(this::save, saveEvery.toNanos(), saveEvery.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Where a key store's usage is kept: beside it, {@code keys.json} → {@code keys.usage.json}. */
    public static Path usageFileOf(Path keysFile) {
        String name = keysFile.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return keysFile.resolveSibling(base + ".usage.json");
    }

    void reload() {
        try {
            if (store.reloadIfChanged()) {
                log.info("key_store_reloaded", "file", store.file().toString(), "keys", store.keys().size());
            }
            lastReloadError = null;
        } catch (IOException | RuntimeException e) {
            // Said once per new error, not every second while the file stays broken.
            if (!String.valueOf(e.getMessage()).equals(lastReloadError)) {
                lastReloadError = String.valueOf(e.getMessage());
                log.warn("key_store_unreadable", "file", store.file().toString(), "error", e.getMessage(),
                        "keeping", store.keys().size());
            }
        }
    }

    /** Saves usage and last-used times now; failures are logged, and tried again next time. */
    public void save() {
        try {
            usage.saveIfChanged(usageFile, epochSeconds.getAsLong());
        } catch (IOException | RuntimeException e) {
            log.warn("usage_not_saved", "file", usageFile.toString(), "error", e.getMessage());
        }
        try {
            store.saveLastUsed();
        } catch (IOException | RuntimeException e) {
            log.warn("key_store_not_saved", "file", store.file().toString(), "error", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdown(); // a save under way finishes, rather than being interrupted half-written
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        save();
    }
}
