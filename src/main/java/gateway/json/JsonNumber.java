package gateway.json;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A JSON number, kept as the exact text it was written with, so that a 20-digit id
 * or a long decimal passes through the gateway unrounded. Conversions happen only
 * when the gateway needs a number's value.
 *
 * @param text the number as JSON writes it, such as {@code 12}, {@code -0.5} or {@code 1e3}
 */
public record JsonNumber(String text) implements JsonValue {
    /** Refuses null; the text is trusted to be a JSON number (the parser checked it). */
    public JsonNumber {
        Objects.requireNonNull(text, "text");
    }

    /**
     * {@return the number}
     *
     * @param value its value
     */
    public static JsonNumber of(long value) {
        return new JsonNumber(Long.toString(value));
    }

    /**
     * {@return the number, written as a whole number when it is one (below 10^15)}
     *
     * @param value its value
     * @throws IllegalArgumentException for NaN or an infinity, which JSON cannot write
     */
    public static JsonNumber of(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("JSON has no " + value);
        }
        return new JsonNumber(value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : Double.toString(value));
    }

    /** {@return its exact value} */
    public BigDecimal decimalValue() {
        return new BigDecimal(text);
    }

    /** {@return its value as the nearest {@code double}} */
    public double doubleValue() {
        return Double.parseDouble(text);
    }

    /**
     * {@return true when the number is a whole number that fits a {@code long}} ({@code 3}, {@code 3.0},
     * {@code 3e2}). Cheap on hostile input: a long has at most 19 digits, so longer texts
     * are refused before any arithmetic, and {@code 1e-999999999} never reaches a division.
     */
    public boolean isLong() {
        if (plainDigits()) {
            return true;
        }
        if (text.length() > 40) {
            return false;
        }
        try {
            BigDecimal value = decimalValue().stripTrailingZeros();
            if (value.scale() > 0 || value.precision() - value.scale() > 19) {
                return false;
            }
            value.longValueExact();
            return true;
        } catch (ArithmeticException | NumberFormatException e) {
            return false;
        }
    }

    /** {@return the value as a {@code long}; call {@link #isLong()} first} */
    public long longValue() {
        return plainDigits() ? Long.parseLong(text) : decimalValue().longValueExact();
    }

    /**
     * True for the common case, an optional minus and at most 18 digits: a long for sure,
     * read without a BigDecimal (token counts are read so for every request).
     */
    private boolean plainDigits() {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start || text.length() - start > 18) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
