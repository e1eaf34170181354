package gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.keys.UsageBook.Totals;
import gateway.observe.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autosave on short periods (the gateway's are 1 s and 5 s): usage and last-used times
 * reach their files within a period, so a {@code kill -9} loses at most one period; an
 * outside change to the key store is read; closing saves once more.
 */
class AutosaveTest {
    static final long NOW = 1_780_308_000L;
    static final Duration SHORT = Duration.ofMillis(10);
    static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path folder;

    final List<String> log = new CopyOnWriteArrayList<>();

    Path keysFile() {
        return folder.resolve("keys.json");
    }

    Path usageFile() {
        return folder.resolve("keys.usage.json");
    }

    Autosave autosave(KeyStore store, UsageBook usage, Duration reloadEvery, Duration saveEvery) {
        return new Autosave(store, usage, usageFile(), new Log(log::add), () -> NOW, reloadEvery, saveEvery);
    }

    /** Waits for something the autosave's thread does, for 5 s at most. */
    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(2);
        }
    }

    static boolean exists(Path file) {
        return Files.exists(file);
    }

    @Test
    void theUsageFileLiesBesideTheKeyStore() {
        assertEquals(Path.of("/srv/keys.usage.json"), Autosave.usageFileOf(Path.of("/srv/keys.json")));
        assertEquals(Path.of("/srv/keys.usage.json"), Autosave.usageFileOf(Path.of("/srv/keys")));
        assertEquals(Path.of("keys.txt.usage.json"), Autosave.usageFileOf(Path.of("keys.txt")));
    }

    @Test
    void theGatewaySavesEveryFiveSecondsAndReadsChangesEverySecond() {
        assertEquals(Duration.ofSeconds(5), Autosave.SAVE_EVERY);
        assertEquals(Duration.ofSeconds(1), Autosave.RELOAD_EVERY);
    }

    @Test
    void usageAndLastUsedTimesReachTheirFilesWithinAPeriod() throws Exception {
        var store = KeyStore.open(keysFile());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        var usage = new UsageBook();
        try (var autosave = autosave(store, usage, NEVER, SHORT)) {
            usage.record(alice.key().id(), false, 3, 4, 0, NOW);
            store.used(alice.key().id(), NOW + 1);
            await("usage saved", () -> exists(usageFile()));
            await("last use saved", () -> KeyStore.open(keysFile()).lastUsed(alice.key().id()) != null);

            // What a process killed now would find at its next start:
            assertEquals(new Totals(1, 0, 3, 4, 0), UsageBook.load(usageFile()).total(alice.key().id(), NOW, NOW + 3600));
            assertEquals(NOW + 1, KeyStore.open(keysFile()).lastUsed(alice.key().id()));
        }
    }

    @Test
    void closingSavesWhatTheLastPeriodDidNot() throws IOException {
        var store = KeyStore.open(keysFile());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        var usage = new UsageBook();
        var autosave = autosave(store, usage, NEVER, NEVER);
        usage.record(alice.key().id(), true, 1, 2, 0, NOW);
        store.used(alice.key().id(), NOW + 2);
        assertFalse(exists(usageFile()));

        autosave.close();
        assertEquals(new Totals(1, 1, 1, 2, 0), UsageBook.load(usageFile()).total(alice.key().id(), NOW, NOW + 3600));
        assertEquals(NOW + 2, KeyStore.open(keysFile()).lastUsed(alice.key().id()));
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void aKeyStoreChangedOnDiskIsReadWithinAPeriod() throws Exception {
        var store = KeyStore.open(keysFile());
        store.create("alice", KeyPolicy.NONE, null, NOW);
        try (var autosave = autosave(store, new UsageBook(), SHORT, NEVER)) {
            var bob = KeyStore.open(keysFile()).create("bob", KeyPolicy.NONE, null, NOW); // an operator's tool
            await("bob read", () -> store.bySecret(bob.secret()) != null);
            await("logged", () -> log.stream().anyMatch(line -> line.contains("\"event\":\"key_store_reloaded\"")));
            assertTrue(log.stream().anyMatch(line -> line.contains("\"keys\":2")), log.toString());
        }
    }

    @Test
    void aBrokenKeyStoreIsLoggedAndItsKeysStay() throws Exception {
        var store = KeyStore.open(keysFile());
        var alice = store.create("alice", KeyPolicy.NONE, null, NOW);
        try (var autosave = autosave(store, new UsageBook(), SHORT, NEVER)) {
            Files.writeString(keysFile(), "{\"keys\": [");
            await("warned", () -> log.stream().anyMatch(line -> line.contains("\"event\":\"key_store_unreadable\"")));
            assertTrue(log.stream().anyMatch(line -> line.contains("\"keeping\":1")), log.toString());
            assertEquals(alice.key(), store.bySecret(alice.secret()));
        }
    }

    @Test
    void aFileThatStaysBrokenIsSaidOnceNotAtEveryReRead() throws Exception {
        var store = KeyStore.open(keysFile());
        store.create("alice", KeyPolicy.NONE, null, NOW);
        try (var autosave = autosave(store, new UsageBook(), NEVER, NEVER)) {
            Files.writeString(keysFile(), "{\"keys\": [");
            autosave.reload();
            autosave.reload();
            autosave.reload();
            assertEquals(1, count("key_store_unreadable"), log.toString());

            KeyStore.open(folder.resolve("other.json")).create("carol", KeyPolicy.NONE, null, NOW);
            Files.copy(folder.resolve("other.json"), keysFile(), StandardCopyOption.REPLACE_EXISTING);
            autosave.reload();
            assertEquals(1, count("key_store_reloaded"), log.toString());
            Files.writeString(keysFile(), "{\"keys\": [");
            autosave.reload();
            assertEquals(2, count("key_store_unreadable"), "broken again after a good read: said again");
        }
    }

    private long count(String event) {
        return log.stream().filter(line -> line.contains("\"event\":\"" + event + "\"")).count();
    }

    @Test
    void aFailedSaveIsLoggedNotThrown() throws IOException {
        Files.writeString(folder.resolve("not-a-folder"), "");
        var usage = new UsageBook();
        var autosave = new Autosave(KeyStore.open(keysFile()), usage, folder.resolve("not-a-folder/keys.usage.json"),
                new Log(log::add), () -> NOW, NEVER, NEVER);
        usage.record("key_1", false, 1, 1, 0, NOW);
        autosave.close();
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.getFirst().contains("\"event\":\"usage_not_saved\""), log.getFirst());
    }
}
