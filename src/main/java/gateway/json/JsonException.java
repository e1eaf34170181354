package gateway.json;

/**
 * Thrown by {@link Json#parse} when the input is not valid JSON or nests deeper than
 * {@link Json#MAX_DEPTH}. The message names the position and what was expected,
 * for example {@code "expected ':' after an object key at line 1, column 7"}.
 *
 * @serial exclude
 */
public final class JsonException extends RuntimeException {
    private final int line;
    private final int column;

    JsonException(String problem, int line, int column) {
        super(problem + " at line " + line + ", column " + column);
        this.line = line;
        this.column = column;
    }

    /** {@return the 1-based line of the offending character} */
    public int line() {
        return line;
    }

    /** {@return the 1-based column (in UTF-16 code units) of the offending character} */
    public int column() {
        return column;
    }
}
