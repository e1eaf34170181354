package gateway.keys;

import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The keys an admin creates, kept in {@code KEYS_FILE} (JSON): each change is written to
 * the file before it takes effect, so a key the admin API confirmed is never lost; the
 * file is read again when it changes on disk. Lookups read an immutable snapshot, so a
 * request never waits for a writer.
 */
public final class KeyStore {
    /** A new key and its secret, which exists only in this answer. */
    public record Created(StoredKey key, String secret) {
    }

    private record Snapshot(Map<String, StoredKey> byId, Map<String, StoredKey> byDigest) {
        static Snapshot of(List<StoredKey> keys) {
            var byId = new LinkedHashMap<String, StoredKey>();
            var byDigest = new LinkedHashMap<String, StoredKey>();
            for (StoredKey key : keys) {
                byId.put(key.id(), key);
                byDigest.put(key.digest(), key);
            }
            return new Snapshot(byId, byDigest);
        }
    }

    private static final String SECRET_PREFIX = "gw-";
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private volatile Snapshot snapshot;
    /** When each key was last used (epoch seconds); saved with the keys, every few seconds, not on every request. */
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
    private volatile boolean usedSinceSave;
    /** The file as last read or written, to tell a change made by someone else: its stamp, and its text's digest. */
    private String fileStamp = "";
    private String fileDigest;
    /**
     * How long after a write the stamp may not show another (file times tick by a few
     * milliseconds on Linux, by seconds on some file systems): till then the text is compared.
     */
    private static final long RACY_MILLIS = 2_000;

    private KeyStore(Path file) {
        this.file = file;
    }

    /**
     * Opens the key store of {@code file}; a file that does not exist yet is an empty store.
     *
     * @throws IllegalArgumentException when the file cannot be read or is not a key store
     */
    public static KeyStore open(Path file) {
        var store = new KeyStore(file);
        try {
            store.read();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return store;
    }

    public Path file() {
        return file;
    }

    public List<StoredKey> keys() {
        return List.copyOf(snapshot.byId().values());
    }

    public Optional<StoredKey> byId(String id) {
        return Optional.ofNullable(snapshot.byId().get(id));
    }

    /** The key whose secret is {@code secret}, or null: one lookup of its digest. */
    public StoredKey bySecret(String secret) {
        return byDigest(Digest.sha256(secret));
    }

    /** The key whose secret has this SHA-256 digest, or null. */
    public StoredKey byDigest(byte[] sha256) {
        return snapshot.byDigest().get(HexFormat.of().formatHex(sha256));
    }

    public Long lastUsed(String id) {
        return lastUsed.get(id);
    }

    /** Notes that the key {@code id} was used at {@code now} (epoch seconds). */
    public void used(String id, long now) {
        lastUsed.put(id, now);
        usedSinceSave = true;
    }

    public synchronized Created create(String name, KeyPolicy policy, Long expiresAt, long now) throws IOException {
        String secret = newSecret();
        var key = new StoredKey("key_" + HexFormat.of().formatHex(randomBytes(8)), name, digest(secret),
                secret.substring(0, SECRET_PREFIX.length() + 4), secret.substring(secret.length() - 4), now,
                expiresAt, false, policy);
        var keys = new ArrayList<>(current().values());
        keys.add(key);
        save(keys);
        return new Created(key, secret);
    }

    /** Changes a key; empty when there is no such key. */
    public synchronized Optional<StoredKey> update(String id, UnaryOperator<StoredKey> change) throws IOException {
        StoredKey old = current().get(id);
        if (old == null) {
            return Optional.empty();
        }
        StoredKey changed = change.apply(old);
        save(snapshot.byId().values().stream().map(key -> key.id().equals(id) ? changed : key).toList());
        return Optional.of(changed);
    }

    /** Gives a key a new secret; the old one stops working at once. Its id, policy and usage stay. */
    public synchronized Optional<Created> rotate(String id) throws IOException {
        String secret = newSecret();
        return update(id, key -> key.withSecret(digest(secret), secret.substring(0, SECRET_PREFIX.length() + 4),
                secret.substring(secret.length() - 4))).map(key -> new Created(key, secret));
    }

    /** Deletes a key: its secret fails from the next request on. */
    public synchronized boolean revoke(String id) throws IOException {
        if (!current().containsKey(id)) {
            return false;
        }
        save(snapshot.byId().values().stream().filter(key -> !key.id().equals(id)).toList());
        lastUsed.remove(id);
        return true;
    }

    /**
     * Reads the file again if someone else changed it (an operator's edit, a restore);
     * a broken file is left alone and the keys in memory stay.
     *
     * @return true when the keys were re-read
     * @throws IOException when the changed file cannot be read or is not a key store
     */
    public synchronized boolean reloadIfChanged() throws IOException {
        if (stamp().equals(fileStamp) && !touchedLately()) {
            return false;
        }
        // A file written again within the clock's granularity, at the same size, keeps its stamp
        // (git calls such a file "racily clean"): one touched lately is compared by its text.
        String stamp = stamp();
        String text = readText();
        if (text != null && digest(text).equals(fileDigest)) {
            fileStamp = stamp;
            return false;
        }
        read(stamp, text);
        return true;
    }

    /** Writes the last-used times, when keys were used since the last save. */
    public synchronized void saveLastUsed() throws IOException {
        if (usedSinceSave) {
            usedSinceSave = false;
            try {
                save(List.copyOf(current().values()));
            } catch (IOException e) {
                usedSinceSave = true; // tried again at the next save
                throw e;
            }
        }
    }

    /**
     * The keys by id, as the file now holds them: each write starts from them, so that it
     * never undoes a change someone else made since the last re-read (up to a second ago).
     *
     * @throws IOException when the file changed and cannot be read: it is left alone
     */
    private Map<String, StoredKey> current() throws IOException {
        reloadIfChanged();
        return snapshot.byId();
    }

    private void read() throws IOException {
        String stamp = stamp();
        read(stamp, readText());
    }

    /** The file's text, or null when there is no file. */
    private String readText() throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Takes {@code text} (null: no file) as the keys in use, the file being at {@code stamp}. */
    private void read(String stamp, String text) throws IOException {
        if (text == null) {
            snapshot = Snapshot.of(List.of());
            fileStamp = stamp;
            fileDigest = null;
            return;
        }
        var keys = new ArrayList<StoredKey>();
        try {
            JsonObject root = (JsonObject) Json.parse(text);
            for (JsonValue entry : root.array("keys").orElseThrow(() -> new IllegalArgumentException("no 'keys' array")).values()) {
                JsonObject json = (JsonObject) entry;
                StoredKey key = StoredKey.fromFileJson(json);
                keys.add(key);
                json.longValue("last_used_at").ifPresent(at -> lastUsed.merge(key.id(), at, Math::max));
            }
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a key store: " + e.getMessage(), e);
        }
        snapshot = Snapshot.of(keys);
        fileStamp = stamp;
        fileDigest = digest(text);
    }

    /** Writes {@code keys} to the file, then makes them the keys in use. */
    private void save(List<StoredKey> keys) throws IOException {
        var entries = keys.stream().map(key -> (JsonValue) key.toFileJson(lastUsed.get(key.id()))).toList();
        String text = Json.write(JsonObject.builder().put("version", 1).put("keys", new JsonArray(entries)).build());
        AtomicFile.write(file, text + "\n");
        snapshot = Snapshot.of(keys);
        fileStamp = stamp();
        fileDigest = digest(text + "\n");
    }

    /** Whether the file was modified so lately that a change since might not show in its stamp. */
    private boolean touchedLately() {
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() < RACY_MILLIS;
        } catch (IOException e) {
            return false; // no file: the stamp says so
        }
    }

    /** The file's modification time and size: what tells that it changed. */
    private String stamp() {
        try {
            return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
        } catch (NoSuchFileException e) {
            return "none";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code gw-} and 32 base62 characters: 190 random bits. */
    private static String newSecret() {
        var secret = new StringBuilder(SECRET_PREFIX);
        for (int i = 0; i < 32; i++) {
            secret.append(BASE62[RANDOM.nextInt(BASE62.length)]); // nextInt is unbiased, unlike byte % 62
        }
        return secret.toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static String digest(String secret) {
        return HexFormat.of().formatHex(Digest.sha256(secret));
    }
}
