package gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.Json;
import gateway.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key store and its file: only digests, atomic and private, re-read when someone else changes it. */
class KeyStoreTest {
    static final long NOW = 1_780_000_000L;
    static final KeyPolicy LIMITED = new KeyPolicy(60L, 10_000L, 2L, 100_000L, 1_000_000L, List.of("echo"));

    @TempDir
    Path folder;

    Path file() {
        return folder.resolve("keys.json");
    }

    String text() throws IOException {
        return Files.readString(file(), StandardCharsets.UTF_8);
    }

    static List<String> names(KeyStore store) {
        return store.keys().stream().map(StoredKey::name).toList();
    }

    static String sha256(String secret) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMissingFileIsAnEmptyStoreAndIsNotCreatedUntilAKeyIs() throws IOException {
        var store = KeyStore.open(file());
        assertEquals(List.of(), store.keys());
        assertFalse(Files.exists(file()));
        store.create("alice", KeyPolicy.NONE, null, NOW);
        assertTrue(Files.exists(file()));
    }

    @Test
    void aNewKeyIsShownOnceAndTheFileHoldsOnlyItsDigest() throws Exception {
        var store = KeyStore.open(file());
        var created = store.create("alice", LIMITED, NOW + 3600, NOW);
        String secret = created.secret();
        StoredKey key = created.key();

        assertTrue(secret.matches("gw-[0-9A-Za-z]{32}"), secret);
        assertTrue(key.id().matches("key_[0-9a-f]{16}"), key.id());
        assertEquals(new StoredKey(key.id(), "alice", sha256(secret), secret.substring(0, 7), secret.substring(31), NOW,
                NOW + 3600, false, LIMITED), key);
        assertEquals(secret.substring(0, 7) + "…" + secret.substring(31), key.redacted());
        assertEquals(key, store.bySecret(secret));
        assertEquals(key, store.byId(key.id()).orElseThrow());
        assertNull(store.bySecret(secret + "x"));

        String text = text();
        assertFalse(text.contains(secret), "the file never holds a secret");
        assertFalse(text.contains(secret.substring(7, 31)), "nor its hidden middle");
        assertTrue(text.contains(sha256(secret)));
        JsonObject entry = (JsonObject) ((JsonObject) Json.parse(text)).array("keys").orElseThrow().values().getFirst();
        assertEquals(Set.of("id", "name", "sha256", "prefix", "last4", "created_at", "last_used_at", "expires_at", "disabled", "limits"),
                entry.members().keySet());
        assertEquals(LIMITED.toJson(), entry.get("limits"));
    }

    @Test
    void theFileAndItsUsageAreReadableByTheOwnerOnlyAndNoTemporaryFileIsLeft() throws IOException {
        var store = KeyStore.open(file());
        store.create("alice", KeyPolicy.NONE, null, NOW);
        store.create("bob", KeyPolicy.NONE, null, NOW);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file()));
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(file()), files.toList());
        }
    }

    @Test
    void secretsAndIdsNeverRepeat() throws IOException {
        var store = KeyStore.open(file());
        var secrets = new HashSet<String>();
        var ids = new HashSet<String>();
        for (int i = 0; i < 20; i++) {
            var created = store.create("k" + i, KeyPolicy.NONE, null, NOW);
            secrets.add(created.secret());
            ids.add(created.key().id());
        }
        assertEquals(20, secrets.size());
        assertEquals(20, ids.size());
    }

    @Test
    void aStoreOpenedFromTheFileHasTheSameKeysInTheSameOrder() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", LIMITED, NOW + 60, NOW);
        var bob = store.create("bob", KeyPolicy.NONE, null, NOW + 1);
        store.update(bob.key().id(), key -> new StoredKey(key.id(), key.name(), key.digest(), key.prefix(), key.last4(),
                key.createdAt(), key.expiresAt(), true, key.policy()));

        var reopened = KeyStore.open(file());
        assertEquals(store.keys(), reopened.keys());
        assertEquals(List.of("alice", "bob"), reopened.keys().stream().map(StoredKey::name).toList());
        assertEquals(alice.key(), reopened.bySecret(alice.secret()));
        assertTrue(reopened.bySecret(bob.secret()).disabled());
    }

    @Test
    void anUpdateIsOnDiskWhenItReturnsAndAnUnknownIdChangesNothing() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        var renamed = store.update(alice.key().id(), key -> new StoredKey(key.id(), "alice-2", key.digest(), key.prefix(),
                key.last4(), key.createdAt(), NOW + 99, false, LIMITED)).orElseThrow();
        assertEquals("alice-2", renamed.name());
        assertEquals(renamed, KeyStore.open(file()).byId(alice.key().id()).orElseThrow());
        assertEquals(renamed, store.bySecret(alice.secret()), "the same secret");

        String before = text();
        assertTrue(store.update("key_nope", key -> key).isEmpty());
        assertEquals(before, text());
    }

    @Test
    void rotationGivesANewSecretAndKeepsTheIdAndEverythingElse() throws Exception {
        var store = KeyStore.open(file());
        var alice = store.create("alice", LIMITED, NOW + 60, NOW);
        var rotated = store.rotate(alice.key().id()).orElseThrow();

        assertNotEquals(alice.secret(), rotated.secret());
        assertNull(store.bySecret(alice.secret()), "the old secret stops working at once");
        assertEquals(rotated.key(), store.bySecret(rotated.secret()));
        StoredKey before = alice.key();
        assertEquals(new StoredKey(before.id(), before.name(), sha256(rotated.secret()), rotated.secret().substring(0, 7),
                rotated.secret().substring(31), before.createdAt(), before.expiresAt(), before.disabled(), before.policy()),
                rotated.key());
        assertFalse(text().contains(rotated.secret()));
        assertEquals(rotated.key(), KeyStore.open(file()).bySecret(rotated.secret()));
        assertTrue(store.rotate("key_nope").isEmpty());
    }

    @Test
    void aRevokedKeyIsGoneFromMemoryAndFromTheFile() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        var bob = store.create("bob", KeyPolicy.NONE, null, NOW);
        store.used(alice.key().id(), NOW + 5);

        assertTrue(store.revoke(alice.key().id()));
        assertNull(store.bySecret(alice.secret()));
        assertTrue(store.byId(alice.key().id()).isEmpty());
        assertNull(store.lastUsed(alice.key().id()));
        assertFalse(text().contains(alice.key().id()));
        assertEquals(List.of(bob.key()), KeyStore.open(file()).keys());
        assertFalse(store.revoke(alice.key().id()), "already gone");
    }

    @Test
    void lastUsedTimesAreSavedOnlyWhenKeysWereUsed() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        FileTime longAgo = FileTime.fromMillis(0); // a write would make it now
        Files.setLastModifiedTime(file(), longAgo);
        store.saveLastUsed();
        assertEquals(longAgo, Files.getLastModifiedTime(file()), "nothing used, nothing written");

        store.used(alice.key().id(), NOW + 10);
        store.used(alice.key().id(), NOW + 20);
        assertEquals(NOW + 20, store.lastUsed(alice.key().id()));
        store.saveLastUsed();
        assertEquals(NOW + 20, KeyStore.open(file()).lastUsed(alice.key().id()));

        Files.setLastModifiedTime(file(), longAgo);
        store.saveLastUsed();
        assertEquals(longAgo, Files.getLastModifiedTime(file()), "saved already");
    }

    @Test
    void aFileChangedBySomeoneElseIsReadAgain() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        assertFalse(store.reloadIfChanged(), "its own write is no change");

        var other = KeyStore.open(file()); // another process, or an operator's tool
        var bob = other.create("bob", KeyPolicy.NONE, null, NOW);
        assertTrue(store.reloadIfChanged());
        assertEquals(bob.key(), store.bySecret(bob.secret()));
        assertFalse(store.reloadIfChanged());

        // An operator disables alice by hand.
        Files.writeString(file(), text().replaceFirst("\"disabled\":false", "\"disabled\": true"));
        assertTrue(store.reloadIfChanged());
        assertTrue(store.bySecret(alice.secret()).disabled());
    }

    /** The stamp (time and size) cannot tell a same-size change made within one tick of the clock: the text does. */
    @Test
    void aSameSizeChangeWithinTheSameClockTickIsReadAgain() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        var written = Files.getLastModifiedTime(file());
        Files.writeString(file(), text().replaceFirst("\"disabled\":false", "\"disabled\": true"));
        Files.setLastModifiedTime(file(), written); // as if within the same tick
        assertTrue(store.reloadIfChanged());
        assertTrue(store.bySecret(alice.secret()).disabled());
        assertFalse(store.reloadIfChanged(), "the same text again is no change");
    }

    @Test
    void aChangeMadeOnDiskIsNotUndoneByTheNextWriteEvenBeforeItIsReadAgain() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        var other = KeyStore.open(file()); // another gateway on the same file, or an operator's tool
        other.create("bob", KeyPolicy.NONE, null, NOW);

        // No reloadIfChanged() between: the autosave's next tick may well come after these writes.
        store.create("carol", KeyPolicy.NONE, null, NOW);
        assertEquals(List.of("alice", "bob", "carol"), names(KeyStore.open(file())));

        other.create("dave", KeyPolicy.NONE, null, NOW);
        store.used(alice.key().id(), NOW + 1);
        store.saveLastUsed();
        assertEquals(List.of("alice", "bob", "carol", "dave"), names(KeyStore.open(file())));
        assertEquals(NOW + 1, KeyStore.open(file()).lastUsed(alice.key().id()));
    }

    @Test
    void aBrokenFileIsNeitherOverwrittenNorChanged() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        store.used(alice.key().id(), NOW + 7);
        Files.writeString(file(), "{\"keys\": [ half an edit");

        assertThrows(IOException.class, () -> store.create("bob", KeyPolicy.NONE, null, NOW));
        assertThrows(IOException.class, () -> store.revoke(alice.key().id()));
        assertThrows(IOException.class, store::saveLastUsed);
        assertEquals("{\"keys\": [ half an edit", text(), "the operator's edit is theirs to finish");
        assertEquals(List.of("alice"), names(store), "the keys in use stay");
    }

    @Test
    void lastUsedTimesThatCouldNotBeSavedAreSavedNextTime() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        String good = text();
        store.used(alice.key().id(), NOW + 7);
        Files.writeString(file(), "{\"keys\": [ half an edit");
        assertThrows(IOException.class, store::saveLastUsed);

        Files.writeString(file(), good + " "); // the operator finishes the edit
        store.saveLastUsed();
        assertEquals(NOW + 7, KeyStore.open(file()).lastUsed(alice.key().id()));
    }

    @Test
    void aBrokenFileOnReloadKeepsTheKeysInMemory() throws IOException {
        var store = KeyStore.open(file());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        for (String broken : List.of("{\"keys\": [", "[]", "{\"version\":1}", "{\"keys\":[{\"id\":\"key_1\",\"name\":\"x\"}]}",
                "{\"keys\":[{\"id\":\"key_1\",\"name\":\"x\",\"sha256\":\"ab\",\"prefix\":\"gw-a\",\"last4\":\"abcd\",\"limits\":{\"max_in_flight\":0}}]}")) {
            Files.writeString(file(), broken);
            var e = assertThrows(IOException.class, store::reloadIfChanged, broken);
            assertTrue(e.getMessage().startsWith(file() + " is not a key store: "), e.getMessage());
            assertEquals(alice.key(), store.bySecret(alice.secret()), broken);
        }
        var notAtStart = assertThrows(IllegalArgumentException.class, () -> KeyStore.open(file()));
        assertTrue(notAtStart.getMessage().contains("is not a key store: key key_1: 'limits.max_in_flight' must be a whole number"),
                notAtStart.getMessage());
    }

    @Test
    void aKeyWithoutADigestIsRefusedWithItsReason() throws IOException {
        Files.writeString(file(), "{\"keys\":[{\"id\":\"key_1\",\"name\":\"x\",\"prefix\":\"gw-a\",\"last4\":\"abcd\"}]}");
        var e = assertThrows(IllegalArgumentException.class, () -> KeyStore.open(file()));
        assertTrue(e.getMessage().endsWith("is not a key store: a key without 'sha256'"), e.getMessage());
    }

    @Test
    void keysCreatedAtOnceFromManyThreadsAllReachTheFile() throws Exception {
        var store = KeyStore.open(file());
        int threads = 8;
        int each = 4;
        var secrets = new ConcurrentLinkedQueue<String>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(threads)) {
            var done = new ArrayList<Future<?>>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        secrets.add(store.create("t" + thread + "-" + i, KeyPolicy.NONE, null, NOW).secret());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var future : done) {
                future.get();
            }
        }
        var reopened = KeyStore.open(file());
        assertEquals(threads * each, reopened.keys().size());
        for (String secret : secrets) {
            assertTrue(reopened.bySecret(secret) != null, "every key is in the file");
        }
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(file()), files.toList(), "no temporary file is left behind");
        }
    }
}
