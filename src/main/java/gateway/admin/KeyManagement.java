package gateway.admin;

import gateway.access.ApiKeys;
import gateway.access.Callers;
import gateway.keys.Autosave;
import gateway.keys.KeyStore;
import gateway.keys.UsageBook;
import gateway.observe.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The API keys and their usage: the key store of {@code KEYS_FILE} (none without it),
 * the usage book saved beside it, the callers they identify, and the admin API over them.
 */
public final class KeyManagement implements AutoCloseable {
    private final UsageBook usage;
    private final Autosave autosave;
    private final Callers callers;
    private final KeyAdmin keys;
    private final UsageReport report;

    private KeyManagement(KeyStore store, UsageBook usage, Autosave autosave, Supplier<ApiKeys> settingsKeys,
            LongSupplier epochSeconds) {
        this.usage = usage;
        this.autosave = autosave;
        this.callers = new Callers(settingsKeys, store, epochSeconds);
        var view = new KeyView(store, settingsKeys, usage);
        this.keys = new KeyAdmin(store, view, epochSeconds);
        this.report = new UsageReport(usage, view, store, callers, epochSeconds);
    }

    /**
     * Opens the key store and its usage, when {@code keysFile} is set; else usage is
     * counted in memory only.
     *
     * @param settingsKeys the keys of {@code API_KEYS}, asked whenever needed: a reload may change them
     * @throws IllegalArgumentException when a file exists but cannot be read
     */
    public static KeyManagement open(Path keysFile, Supplier<ApiKeys> settingsKeys, Log log, LongSupplier epochSeconds) {
        if (keysFile == null) {
            return new KeyManagement(null, new UsageBook(), null, settingsKeys, epochSeconds);
        }
        KeyStore store = KeyStore.open(keysFile);
        Path usageFile = Autosave.usageFileOf(keysFile);
        UsageBook usage;
        try {
            usage = UsageBook.load(usageFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + usageFile + ": " + e.getMessage(), e);
        }
        var autosave = new Autosave(store, usage, usageFile, log, epochSeconds);
        return new KeyManagement(store, usage, autosave, settingsKeys, epochSeconds);
    }

    public Callers callers() {
        return callers;
    }

    public UsageBook usage() {
        return usage;
    }

    /** The handlers of {@code /admin/keys…}. */
    public KeyAdmin keys() {
        return keys;
    }

    /** The handlers of {@code /admin/usage} and {@code /me/usage}. */
    public UsageReport report() {
        return report;
    }

    /** Saves usage and last-used times, at shutdown. */
    @Override
    public void close() {
        if (autosave != null) {
            autosave.close();
        }
    }
}
