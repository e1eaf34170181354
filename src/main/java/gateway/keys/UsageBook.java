package gateway.keys;

import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Each key's usage, hour by hour: requests, errors, and tokens in, out and cached. Kept
 * for {@link #KEEP_DAYS} days, saved to a file of its own by {@link Autosave}. Counting a
 * request takes no lock (two lookups in concurrent maps, five atomic additions): every
 * request of a busy key counts in the same hour, and a lock there made them queue.
 */
public final class UsageBook {
    public static final int KEEP_DAYS = 90;
    static final long HOUR = 3600;

    /** What one key did in one hour, or in any span of hours. */
    public record Totals(long requests, long errors, long inputTokens, long outputTokens, long cachedTokens) {
        public static final Totals ZERO = new Totals(0, 0, 0, 0, 0);

        Totals plus(Totals other) {
            return new Totals(requests + other.requests, errors + other.errors, inputTokens + other.inputTokens,
                    outputTokens + other.outputTokens, cachedTokens + other.cachedTokens);
        }

        public long tokens() {
            return inputTokens + outputTokens;
        }

        public JsonObject toJson() {
            return JsonObject.builder().put("requests", requests).put("errors", errors).put("input_tokens", inputTokens)
                    .put("output_tokens", outputTokens).put("cached_tokens", cachedTokens).build();
        }
    }

    /** The five counts of one key in one hour, in the order of {@link Totals}. */
    private static final int COUNTS = 5;

    /** By key id, then by the hour's start (epoch seconds). */
    private final Map<String, ConcurrentSkipListMap<Long, AtomicLongArray>> hours = new ConcurrentHashMap<>();
    private volatile boolean changedSinceSave;

    /** Counts one request of key {@code id} that ended at {@code now} (epoch seconds); unknown token counts are 0. */
    public void record(String id, boolean error, long inputTokens, long outputTokens, long cachedTokens, long now) {
        AtomicLongArray hour = hours.computeIfAbsent(id, k -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(hourOf(now), h -> new AtomicLongArray(COUNTS));
        hour.incrementAndGet(0);
        if (error) {
            hour.incrementAndGet(1);
        }
        hour.addAndGet(2, Math.max(0, inputTokens));
        hour.addAndGet(3, Math.max(0, outputTokens));
        hour.addAndGet(4, Math.max(0, cachedTokens));
        if (!changedSinceSave) { // read first: a write on every request would bounce the flag between cores
            changedSinceSave = true;
        }
    }

    private static Totals totals(AtomicLongArray hour) {
        return new Totals(hour.get(0), hour.get(1), hour.get(2), hour.get(3), hour.get(4));
    }

    /** Every key with usage kept, revoked ones included. */
    public List<String> keys() {
        return List.copyOf(hours.keySet());
    }

    /** Key {@code id}'s totals over the hours starting in {@code [from, to)}. */
    public Totals total(String id, long from, long to) {
        var byHour = hours.get(id);
        if (byHour == null) {
            return Totals.ZERO;
        }
        Totals sum = Totals.ZERO;
        for (AtomicLongArray hour : byHour.subMap(hourOf(from), true, to, false).values()) {
            sum = sum.plus(totals(hour));
        }
        return sum;
    }

    /**
     * Every hour from {@code from} to {@code to} (zeros included), summed over the keys
     * {@code ids}: what a chart draws.
     */
    public List<Map.Entry<Long, Totals>> hourly(List<String> ids, long from, long to) {
        var series = new ArrayList<Map.Entry<Long, Totals>>();
        for (long hour = hourOf(from); hour < to; hour += HOUR) {
            Totals sum = Totals.ZERO;
            for (String id : ids) {
                var byHour = hours.get(id);
                AtomicLongArray one = byHour == null ? null : byHour.get(hour);
                sum = one == null ? sum : sum.plus(totals(one));
            }
            series.add(Map.entry(hour, sum));
        }
        return series;
    }

    public static long hourOf(long epochSecond) {
        return Math.floorDiv(epochSecond, HOUR) * HOUR;
    }

    /** Writes the book to {@code file} when it changed since the last save, first forgetting hours older than {@link #KEEP_DAYS}. */
    public void saveIfChanged(Path file, long now) throws IOException {
        if (!changedSinceSave) {
            return;
        }
        changedSinceSave = false; // first: a request counted while the file is written is saved next time
        long oldest = hourOf(now) - KEEP_DAYS * 24 * HOUR;
        for (String id : hours.keySet()) {
            hours.get(id).headMap(oldest).clear();
            // Atomic against record()'s computeIfAbsent: a count arriving now is never dropped with the map.
            hours.computeIfPresent(id, (k, byHour) -> byHour.isEmpty() ? null : byHour);
        }
        try {
            AtomicFile.write(file, toJson().toJson() + "\n");
        } catch (IOException e) {
            changedSinceSave = true; // tried again at the next save
            throw e;
        }
    }

    /** Reads what an earlier run saved; none when the file does not exist. */
    public static UsageBook load(Path file) throws IOException {
        var book = new UsageBook();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return book;
        }
        try {
            JsonObject keys = ((JsonObject) Json.parse(text)).object("keys").orElseThrow();
            keys.members().forEach((id, value) -> {
                var byHour = new ConcurrentSkipListMap<Long, AtomicLongArray>();
                for (JsonValue row : ((JsonArray) value).values()) {
                    List<JsonValue> cells = ((JsonArray) row).values();
                    long[] n = cells.stream().mapToLong(cell -> ((JsonNumber) cell).longValue()).toArray();
                    if (n.length != 1 + COUNTS) {
                        throw new IllegalArgumentException("an hour of " + id + " has " + n.length + " numbers, not " + (1 + COUNTS));
                    }
                    byHour.put(n[0], new AtomicLongArray(Arrays.copyOfRange(n, 1, n.length)));
                }
                book.hours.put(id, byHour);
            });
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a usage file: " + e, e);
        }
        return book;
    }

    /** Compact: each hour a row {@code [start, requests, errors, input, output, cached]}. */
    private JsonObject toJson() {
        var keys = JsonObject.builder();
        hours.forEach((id, byHour) -> {
            var rows = new ArrayList<JsonValue>();
            byHour.forEach((hour, counts) -> {
                var row = new ArrayList<JsonValue>(List.of(JsonNumber.of(hour)));
                for (int i = 0; i < COUNTS; i++) {
                    row.add(JsonNumber.of(counts.get(i)));
                }
                rows.add(new JsonArray(row));
            });
            if (!rows.isEmpty()) {
                keys.put(id, new JsonArray(rows));
            }
        });
        return JsonObject.builder().put("version", 1).put("bucket_seconds", HOUR).put("keys", keys.build()).build();
    }
}
