package gateway.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    @Test
    void parsesAnOpenAiRequest() {
        JsonObject request = (JsonObject) Json.parse("""
                {
                  "model": "llama-3",
                  "messages": [{"role": "user", "content": "Hi \\"there\\" \\u00e9\\ud83d\\ude00"}],
                  "stream": false,
                  "temperature": 0.7,
                  "stop": null
                }
                """);
        assertEquals("llama-3", request.string("model").orElseThrow());
        JsonObject message = (JsonObject) request.array("messages").orElseThrow().get(0);
        assertEquals("Hi \"there\" é😀", message.string("content").orElseThrow());
        assertEquals(JsonBoolean.FALSE, request.get("stream"));
        assertEquals(new JsonNumber("0.7"), request.get("temperature"));
        assertEquals(JsonNull.INSTANCE, request.get("stop"));
        assertEquals(List.of("model", "messages", "stream", "temperature", "stop"),
                List.copyOf(request.members().keySet()), "members keep their order");
    }

    @Test
    void numbersKeepTheirExactText() {
        String text = "{\"id\":12345678901234567890,\"x\":1.000000000000000000001,\"e\":-1E+400}";
        assertEquals(text, Json.write(Json.parse(text)));
    }

    @Test
    void writerEscapesControlCharactersAndLoneSurrogates() {
        var value = new JsonString("tab\t nl\n quote\" back\\ nul\u0000 esc\u001b lone\ud800 ok\ud83d\ude00");
        String text = Json.write(value);
        assertEquals("\"tab\\t nl\\n quote\\\" back\\\\ nul\\u0000 esc\\u001b lone\\ud800 ok\ud83d\ude00\"", text);
        assertEquals(value, Json.parse(text));
        assertEquals(value, Json.parse(text.getBytes(StandardCharsets.UTF_8)), "survives UTF-8 encoding");
    }

    @Test
    void builderWritesMembersInOrder() {
        JsonObject object = JsonObject.builder().put("a", 1).put("b", "two").put("c", true)
                .put("d", JsonArray.of(JsonNull.INSTANCE)).build();
        assertEquals("{\"a\":1,\"b\":\"two\",\"c\":true,\"d\":[null]}", object.toJson());
        assertEquals("{\"a\":9,\"b\":\"two\",\"c\":true,\"d\":[null]}", object.with("a", JsonNumber.of(9)).toJson(),
                "with() replaces a member in place");
    }

    @Test
    void duplicateKeysKeepTheLastValue() {
        assertEquals(new JsonString("b"), ((JsonObject) Json.parse("{\"k\":\"a\",\"k\":\"b\"}")).get("k"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                          | expected a JSON value but the input ended at line 1, column 1",
        "`{\"a\" 1}`                 | expected ':' after an object key but found '1' at line 1, column 6",
        "`{\"a\":1,}`                | expected a string key in the object but found '}' at line 1, column 8",
        "`[1,2`                      | expected ']' or ',' in the array but the input ended at line 1, column 5",
        "`[01]`                      | a number must not have a leading zero at line 1, column 3",
        "`[1.]`                      | expected a digit after the decimal point but found ']' at line 1, column 4",
        "`\"abc`                     | expected '\"' to close the string but the input ended at line 1, column 5",
        "`\"\\x\"`                   | invalid escape '\\x' in a string at line 1, column 2",
        "`\"\\u12g4\"`               | expected 4 hex digits after '\\u' but found 'g' at line 1, column 6",
        "`{}\n  x`                   | unexpected 'x' after the JSON value at line 2, column 3",
        "`tru`                       | expected 'true' but found 't' at line 1, column 1",
        "`\"a\tb\"`                  | unescaped control character U+0009 in a string at line 1, column 3",
    })
    void errorsNameThePositionAndWhatWasExpected(String input, String message) {
        var e = assertThrows(JsonException.class, () -> Json.parse(input.replace("\\n", "\n").replace("\\t", "\t")));
        assertEquals(message, e.getMessage());
    }

    @Test
    void deepNestingIsRejectedWithAClearErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        var e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertEquals("nesting deeper than 512 levels at line 1, column 513", e.getMessage());
        String atLimit = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertEquals(atLimit, Json.write(Json.parse(atLimit)));
    }

    @Test
    void malformedUtf8IsRejectedWithItsPosition() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '\n', '"', (byte) 0xC3, '"', '}'};
        var e = assertThrows(JsonException.class, () -> Json.parse(bytes));
        assertEquals("invalid UTF-8 at byte 7 at line 2, column 2", e.getMessage());
        assertEquals(2, e.line());
        assertEquals(2, e.column());
    }

    @Test
    void byteOrderMarkIsRejected() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        assertTrue(assertThrows(JsonException.class, () -> Json.parse(bom)).getMessage().contains("U+FEFF"));
    }

    @Test
    void numberConversions() {
        assertTrue(new JsonNumber("3.0").isLong());
        assertEquals(300, new JsonNumber("3e2").longValue());
        assertEquals(false, new JsonNumber("1.5").isLong());
        assertEquals(false, new JsonNumber("12345678901234567890").isLong());
        assertEquals(false, new JsonNumber("1e-999999999").isLong(), "answered without huge arithmetic");
        assertEquals(false, new JsonNumber("1e999999999").isLong());
        assertEquals(false, new JsonNumber("1" + "0".repeat(100_000)).isLong());
        assertEquals(true, new JsonNumber("-9223372036854775808").isLong());
        assertEquals(false, new JsonNumber("9223372036854775808").isLong());
        assertEquals(-42, new JsonNumber("-42").longValue(), "plain digits, read without a BigDecimal");
        assertEquals(999_999_999_999_999_999L, new JsonNumber("999999999999999999").longValue(), "18 digits");
        assertEquals(9_223_372_036_854_775_807L, new JsonNumber("9223372036854775807").longValue(), "19: the long way");
        assertEquals(false, new JsonNumber("-").isLong());
        assertEquals("2", JsonNumber.of(2.0).text());
        assertEquals("0.5", JsonNumber.of(0.5).text());
    }
}
