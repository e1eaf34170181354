import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;

/**
 * What one run of the benchmark found: a table with a figure per column (the places the
 * requests went) and the targets judged beside it, plus what went wrong. A busy
 * machine makes some requests or streams fail; the run reports that rather than dying:
 * <ul>
 * <li>a figure measured <b>in part</b> (some requests failed, some streams never opened)
 *     stays in the table, marked with the number of a note that says what happened;
 * <li>a phase that <b>could not measure</b> for a column (wrk gave no result, no stream
 *     opened, the process did not start) leaves the cell empty, marked the same way, and
 *     makes the exit status 1.
 * </ul>
 * The text table and {@code results.json} are written in every case.
 */
final class Report {
    /** Widest figure plus its note mark, as in "5000 [12]". */
    private static final int CELL = 11;

    /**
     * A target of the issue on one row: its words ("≤ 1.2"), the column it judges, and the
     * test of that column's figure; a null test shows the target without a verdict.
     */
    record Target(String text, String column, DoublePredicate test) {}

    /** One line of the table: a figure per column, from one phase, maybe with a target. */
    record Row(String metric, String phase, Map<String, Double> values, Target target) {}

    /** What went wrong in one phase for one column: measured in part, or not at all. */
    record Note(String phase, String column, String text, boolean measured) {}

    /** One column's part of a phase. */
    interface Step<T> {
        T run() throws Exception;
    }

    private final List<String> columns;
    private final List<Row> rows = new ArrayList<>();
    private final List<Note> notes = new ArrayList<>();

    Report(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    /**
     * Runs one column's part of a phase. When it throws, the phase could not measure for
     * that column: the reason is noted, the result is empty, and the run goes on.
     */
    <T> Optional<T> attempt(String phase, String column, Step<T> step) throws InterruptedException {
        try {
            return Optional.ofNullable(step.run());
        } catch (InterruptedException e) {
            throw e; // Ctrl-C: stop, do not report it as the machine's fault
        } catch (Exception e) {
            failed(phase, column, reason(e));
            return Optional.empty();
        }
    }

    /** A figure measured on part of what was asked: it stays, with this note. */
    void partial(String phase, String column, String text) {
        notes.add(new Note(phase, column, text, true));
        System.out.printf("  %s, %s: %s%n", phase, column, text);
    }

    /** No figure: the phase could not measure for this column. */
    void failed(String phase, String column, String text) {
        notes.add(new Note(phase, column, text, false));
        System.out.printf("  %s, %s: could not measure: %s%n", phase, column, text);
    }

    void row(String metric, String phase, Map<String, Double> values) {
        rows.add(new Row(metric, phase, values, null));
    }

    void row(String metric, String phase, Map<String, Double> values, Target target) {
        rows.add(new Row(metric, phase, values, target));
    }

    /** 0 when every phase measured (perhaps in part), 1 when one could not. */
    int exitStatus() {
        return notes.stream().allMatch(Note::measured) ? 0 : 1;
    }

    /** An exception as one line: its kind and message, the message's lines joined. */
    static String reason(Exception e) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().map(String::strip)
                .filter(l -> !l.isEmpty()).collect(Collectors.joining(" | "));
        String text = e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
        return text.length() <= 300 ? text : text.substring(0, 297) + "...";
    }

    /** Prints the table and the notes, and writes them to results.txt and results.json in {@code folder}. */
    void write(Path folder, String header) throws IOException {
        String text = header + "\n" + table() + legend() + noteLines();
        System.out.println();
        System.out.print(text);
        Files.writeString(folder.resolve("results.txt"), text);
        Path json = folder.resolve("results.json");
        Files.writeString(json, json(header).toJson() + "\n", StandardCharsets.UTF_8);
        System.out.println("\nwritten to " + json + " and results.txt");
    }

    private String table() {
        int width = rows.stream().mapToInt(r -> r.metric().length()).max().orElse(40) + 1;
        var header = new StringBuilder(String.format("%-" + width + "s", ""));
        columns.forEach(column -> header.append(String.format(" %" + CELL + "s", column)));
        header.append("   target");
        var table = new StringBuilder(header).append('\n');
        for (Row row : rows) {
            var line = new StringBuilder(String.format("%-" + width + "s", row.metric()));
            for (String column : columns) {
                line.append(String.format(" %" + CELL + "s", cell(row, column)));
            }
            if (row.target() != null) {
                line.append(String.format("   %-16s %s", row.target().text(), verdict(row)));
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        return table.toString();
    }

    /**
     * The figure, and the number of its note when the phase had trouble in this column. A
     * phase that could not measure marks its first row only: the rows computed from it
     * (ratios, differences) have no cell for that column anyway.
     */
    private String cell(Row row, String column) {
        Double value = row.values().get(column);
        int note = noteNumber(row.phase(), column);
        if (value == null) {
            return note != 0 && firstOfPhase(row) && !notes.get(note - 1).measured() ? "[" + note + "]" : "";
        }
        return note == 0 ? format(value) : format(value) + " [" + note + "]";
    }

    private boolean firstOfPhase(Row row) {
        return rows.stream().filter(r -> r.phase().equals(row.phase())).findFirst().orElse(null) == row;
    }

    /** "met traced", "MISSED traced*" (* : the phase had a figure measured in part), "n/a traced" (no figure). */
    private String verdict(Row row) {
        Target target = row.target();
        if (target.test() == null) {
            return "";
        }
        Double value = row.values().get(target.column());
        String verdict = value == null || value.isNaN() ? "n/a" : target.test().test(value) ? "met" : "MISSED";
        boolean troubled = notes.stream().anyMatch(n -> n.phase().equals(row.phase()));
        return String.format("%-6s %s%s", verdict, target.column(), troubled ? " *" : "");
    }

    private String legend() {
        return "\ntargets are the issue's, each judged on the column named after its verdict;"
                + "\n[n]: the figure has a note below; *: the verdict rests on a phase where something failed\n";
    }

    private String noteLines() {
        if (notes.isEmpty()) {
            return "\nevery phase measured in full\n";
        }
        var text = new StringBuilder();
        appendNotes(text, true, "\nmeasured in part:\n");
        appendNotes(text, false, "\ncould not measure (so the exit status is 1):\n");
        return text.toString();
    }

    private void appendNotes(StringBuilder text, boolean measured, String title) {
        if (notes.stream().noneMatch(n -> n.measured() == measured)) {
            return;
        }
        text.append(title);
        for (int i = 0; i < notes.size(); i++) {
            Note note = notes.get(i);
            if (note.measured() == measured) {
                text.append(String.format("  [%d] %s, %s: %s%n", i + 1, note.phase(), note.column(), note.text()));
            }
        }
    }

    /** 1-based number of the first note of this phase and column; 0 when there is none. */
    private int noteNumber(String phase, String column) {
        for (int i = 0; i < notes.size(); i++) {
            if (notes.get(i).phase().equals(phase) && notes.get(i).column().equals(column)) {
                return i + 1;
            }
        }
        return 0;
    }

    private JsonObject json(String header) {
        var rowList = new ArrayList<JsonValue>();
        for (Row row : rows) {
            var values = JsonObject.builder();
            row.values().forEach((name, value) -> values.put(name, number(value)));
            Target target = row.target();
            Double judged = target == null ? null : row.values().get(target.column());
            JsonValue met = target == null || target.test() == null || judged == null || judged.isNaN()
                    ? JsonNull.INSTANCE : JsonBoolean.of(target.test().test(judged));
            rowList.add(JsonObject.builder().put("metric", row.metric()).put("phase", row.phase())
                    .put("values", values.build())
                    .put("target", target == null ? null : target.text())
                    .put("judged", target == null ? null : target.column())
                    .put("met", met).build());
        }
        var noteList = new ArrayList<JsonValue>();
        for (int i = 0; i < notes.size(); i++) {
            Note note = notes.get(i);
            noteList.add(JsonObject.builder().put("number", i + 1).put("phase", note.phase()).put("column", note.column())
                    .put("text", note.text()).put("measured", note.measured()).build());
        }
        return JsonObject.builder().put("run", header)
                .put("columns", new JsonArray(columns.stream().map(c -> (JsonValue) new JsonString(c)).toList()))
                .put("rows", new JsonArray(rowList)).put("notes", new JsonArray(noteList))
                .put("complete", exitStatus() == 0).build();
    }

    private static JsonValue number(Double value) {
        return value == null || value.isNaN() || value.isInfinite() ? JsonNull.INSTANCE : JsonNumber.of(value);
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e9) {
            return String.format("%.0f", value); // counts: 996, not 996.00
        }
        double magnitude = Math.abs(value);
        return magnitude >= 100 ? String.format("%.0f", value) : magnitude >= 10 ? String.format("%.1f", value)
                : String.format("%.2f", value);
    }
}
