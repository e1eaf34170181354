package gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.keys.UsageBook.Totals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage per key and hour: counted, summed, charted, saved, loaded and forgotten after 90 days. */
class UsageBookTest {
    /** 2026-06-01T10:00:00Z, the start of an hour. */
    static final long TEN = 1_780_308_000L;
    static final long HOUR = 3600;
    static final long DAY = 24 * HOUR;

    @TempDir
    Path folder;

    @Test
    void hoursStartOnTheHourEvenBefore1970() {
        assertEquals(TEN, UsageBook.hourOf(TEN));
        assertEquals(TEN, UsageBook.hourOf(TEN + HOUR - 1));
        assertEquals(TEN + HOUR, UsageBook.hourOf(TEN + HOUR));
        assertEquals(-HOUR, UsageBook.hourOf(-1));
    }

    @Test
    void requestsAreCountedInTheHourTheyEnd() {
        var book = new UsageBook();
        book.record("a", false, 10, 20, 4, TEN + 5);
        book.record("a", true, 1, 0, 0, TEN + HOUR - 1);
        book.record("a", false, 100, 200, 0, TEN + HOUR);
        book.record("b", false, 7, 7, 7, TEN);

        assertEquals(new Totals(2, 1, 11, 20, 4), book.total("a", TEN, TEN + HOUR));
        assertEquals(new Totals(3, 1, 111, 220, 4), book.total("a", TEN, TEN + 2 * HOUR));
        assertEquals(331, book.total("a", TEN, TEN + 2 * HOUR).tokens(), "tokens are input plus output");
        assertEquals(new Totals(3, 1, 111, 220, 4), book.total("a", TEN + 1800, Long.MAX_VALUE), "from the hour 'from' falls in");
        assertEquals(new Totals(2, 1, 11, 20, 4), book.total("a", TEN, TEN + HOUR), "to the hours that start before 'to'");
        assertEquals(new Totals(3, 1, 111, 220, 4), book.total("a", TEN, TEN + HOUR + 1));
        assertEquals(Totals.ZERO, book.total("a", TEN + 2 * HOUR, TEN + 3 * HOUR));
        assertEquals(Totals.ZERO, book.total("nobody", TEN, TEN + HOUR));
        assertEquals(new Totals(1, 0, 7, 7, 7), book.total("b", TEN, TEN + HOUR));
    }

    @Test
    void unknownTokenCountsCountAsNone() {
        var book = new UsageBook();
        book.record("a", true, -1, -1, -1, TEN);
        assertEquals(new Totals(1, 1, 0, 0, 0), book.total("a", TEN, TEN + HOUR));
    }

    @Test
    void theHourlySeriesHasEveryHourZerosIncludedSummedOverTheKeysAsked() {
        var book = new UsageBook();
        book.record("a", false, 1, 2, 0, TEN + 10);
        book.record("b", true, 10, 20, 5, TEN + 10);
        book.record("a", false, 3, 4, 0, TEN + 3 * HOUR);
        book.record("c", false, 1000, 1000, 0, TEN + HOUR);

        List<Map.Entry<Long, Totals>> series = book.hourly(List.of("a", "b"), TEN + 60, TEN + 3 * HOUR + 1);
        assertEquals(List.of(
                Map.entry(TEN, new Totals(2, 1, 11, 22, 5)),
                Map.entry(TEN + HOUR, Totals.ZERO),
                Map.entry(TEN + 2 * HOUR, Totals.ZERO),
                Map.entry(TEN + 3 * HOUR, new Totals(1, 0, 3, 4, 0))), series);
        assertEquals(24, book.hourly(List.of(), TEN, TEN + DAY).size());
        assertEquals(List.of(Map.entry(TEN, Totals.ZERO)), book.hourly(List.of("nobody"), TEN, TEN + 1));
    }

    @Test
    void whatIsSavedIsLoadedAgainInAPrivateFile() throws IOException {
        var book = new UsageBook();
        book.record("key_1", false, 10, 20, 4, TEN);
        book.record("key_1", true, 0, 0, 0, TEN + 2 * HOUR);
        book.record("settings-alice", false, 1, 1, 0, TEN);
        Path file = folder.resolve("keys.usage.json");
        book.saveIfChanged(file, TEN + 2 * HOUR);

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        String text = Files.readString(file);
        assertTrue(text.contains("\"key_1\":[[" + TEN + ",1,0,10,20,4],[" + (TEN + 2 * HOUR) + ",1,1,0,0,0]]"), text);

        var loaded = UsageBook.load(file);
        for (String id : List.of("key_1", "settings-alice", "nobody")) {
            assertEquals(book.hourly(List.of(id), TEN - DAY, TEN + DAY), loaded.hourly(List.of(id), TEN - DAY, TEN + DAY), id);
        }
        loaded.record("key_1", false, 1, 1, 1, TEN);
        assertEquals(new Totals(2, 0, 11, 21, 5), loaded.total("key_1", TEN, TEN + HOUR), "counting goes on where it was");
    }

    @Test
    void nothingIsWrittenWhenNothingChanged() throws IOException {
        var book = new UsageBook();
        Path file = folder.resolve("keys.usage.json");
        book.saveIfChanged(file, TEN);
        assertFalse(Files.exists(file), "an empty book, never changed");

        book.record("a", false, 1, 1, 0, TEN);
        book.saveIfChanged(file, TEN);
        Files.delete(file);
        book.saveIfChanged(file, TEN);
        assertFalse(Files.exists(file), "saved already");

        book.record("a", false, 1, 1, 0, TEN);
        book.saveIfChanged(file, TEN);
        assertEquals(new Totals(2, 0, 2, 2, 0), UsageBook.load(file).total("a", TEN, TEN + HOUR));
    }

    @Test
    void aFailedSaveIsTriedAgainNextTime() throws IOException {
        var book = new UsageBook();
        book.record("a", false, 1, 1, 0, TEN);
        Files.writeString(folder.resolve("not-a-folder"), "");
        assertThrows(IOException.class, () -> book.saveIfChanged(folder.resolve("not-a-folder/keys.usage.json"), TEN));

        Path file = folder.resolve("keys.usage.json");
        book.saveIfChanged(file, TEN);
        assertEquals(new Totals(1, 0, 1, 1, 0), UsageBook.load(file).total("a", TEN, TEN + HOUR));
    }

    @Test
    void hoursOlderThan90DaysAreForgottenWhenSaved() throws IOException {
        long now = TEN + 1800;
        long oldest = TEN - UsageBook.KEEP_DAYS * DAY;
        var book = new UsageBook();
        book.record("a", false, 1, 0, 0, oldest - 1); // the hour before the 90 days
        book.record("a", false, 10, 0, 0, oldest);
        book.record("a", false, 100, 0, 0, now);
        book.record("gone", false, 5, 5, 0, oldest - 30 * DAY);
        Path file = folder.resolve("keys.usage.json");
        book.saveIfChanged(file, now);

        for (var kept : List.of(book, UsageBook.load(file))) {
            assertEquals(new Totals(2, 0, 110, 0, 0), kept.total("a", 0, Long.MAX_VALUE));
            assertEquals(Totals.ZERO, kept.total("gone", 0, Long.MAX_VALUE));
        }
        assertFalse(Files.readString(file).contains("gone"), "a key without hours left is dropped");
    }

    @Test
    void aMissingFileIsAnEmptyBookAndABrokenOneIsRefused() throws IOException {
        assertEquals(Totals.ZERO, UsageBook.load(folder.resolve("none.json")).total("a", 0, Long.MAX_VALUE));
        Path file = folder.resolve("keys.usage.json");
        for (String broken : List.of("{", "[]", "{\"keys\":[]}", "{\"keys\":{\"a\":[[1,2,3]]}}", "{\"keys\":{\"a\":[[1,2,3,4,5,\"6\"]]}}")) {
            Files.writeString(file, broken);
            var e = assertThrows(IOException.class, () -> UsageBook.load(file), broken);
            assertTrue(e.getMessage().startsWith(file + " is not a usage file: "), e.getMessage());
        }
    }
}
