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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each key's usage, hour by hour: requests, errors, and tokens in, out and cached. Kept
 * for {@link #KEEP_DAYS} days, saved to a file of its own by {@link Autosave}. Counting
 * takes a lock for a few map updates; at thousands of requests a second that is far
 * below what the request itself costs.
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

    /** By key id, then by the hour's start (epoch seconds). */
    private final Map<String, TreeMap<Long, Totals>> hours = new HashMap<>();
    private boolean changedSinceSave;

    /** Counts one request of key {@code id} that ended at {@code now} (epoch seconds); unknown token counts are 0. */
    public synchronized void record(String id, boolean error, long inputTokens, long outputTokens, long cachedTokens, long now) {
        var one = new Totals(1, error ? 1 : 0, Math.max(0, inputTokens), Math.max(0, outputTokens), Math.max(0, cachedTokens));
        hours.computeIfAbsent(id, k -> new TreeMap<>()).merge(hourOf(now), one, Totals::plus);
        changedSinceSave = true;
    }

    /** Every key with usage kept, revoked ones included. */
    public synchronized List<String> keys() {
        return List.copyOf(hours.keySet());
    }

    /** Key {@code id}'s totals over the hours starting in {@code [from, to)}. */
    public synchronized Totals total(String id, long from, long to) {
        var byHour = hours.get(id);
        if (byHour == null) {
            return Totals.ZERO;
        }
        Totals sum = Totals.ZERO;
        for (Totals hour : byHour.subMap(hourOf(from), true, to, false).values()) {
            sum = sum.plus(hour);
        }
        return sum;
    }

    /**
     * Every hour from {@code from} to {@code to} (zeros included), summed over the keys
     * {@code ids}: what a chart draws.
     */
    public synchronized List<Map.Entry<Long, Totals>> hourly(List<String> ids, long from, long to) {
        var series = new ArrayList<Map.Entry<Long, Totals>>();
        for (long hour = hourOf(from); hour < to; hour += HOUR) {
            Totals sum = Totals.ZERO;
            for (String id : ids) {
                var byHour = hours.get(id);
                Totals one = byHour == null ? null : byHour.get(hour);
                sum = one == null ? sum : sum.plus(one);
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
        String text;
        synchronized (this) {
            if (!changedSinceSave) {
                return;
            }
            long oldest = hourOf(now) - KEEP_DAYS * 24 * HOUR;
            hours.values().forEach(byHour -> byHour.headMap(oldest).clear());
            hours.values().removeIf(TreeMap::isEmpty);
            text = toJson().toJson();
            changedSinceSave = false;
        }
        try {
            AtomicFile.write(file, text + "\n");
        } catch (IOException e) {
            synchronized (this) {
                changedSinceSave = true; // tried again at the next save
            }
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
                var byHour = new TreeMap<Long, Totals>();
                for (JsonValue row : ((JsonArray) value).values()) {
                    List<JsonValue> cells = ((JsonArray) row).values();
                    long[] n = cells.stream().mapToLong(cell -> ((JsonNumber) cell).longValue()).toArray();
                    byHour.put(n[0], new Totals(n[1], n[2], n[3], n[4], n[5]));
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
            byHour.forEach((hour, t) -> rows.add(JsonArray.of(JsonNumber.of(hour), JsonNumber.of(t.requests()),
                    JsonNumber.of(t.errors()), JsonNumber.of(t.inputTokens()), JsonNumber.of(t.outputTokens()),
                    JsonNumber.of(t.cachedTokens()))));
            keys.put(id, new JsonArray(rows));
        });
        return JsonObject.builder().put("version", 1).put("bucket_seconds", HOUR).put("keys", keys.build()).build();
    }
}
