package gateway.openai;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gateway.http.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules of text completions, embeddings and responses: each failure's code, field and message. */
class OperationChecksTest {
    static final ModelRequest.Limits LIMITS = new ModelRequest.Limits(1000, 3);

    static ModelRequest parse(Operation operation, String body) {
        return ModelRequest.parse(operation, body.getBytes(StandardCharsets.UTF_8), "req-1", "", LIMITS);
    }

    @ParameterizedTest(name = "[{index}] {0} {2} {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "COMPLETION | `{}`                                   | invalid_prompt  | prompt    | 'prompt' is required: a string, an array of strings, an array of token ids, or an array of such arrays.",
        "COMPLETION | `{\"prompt\":\"\"}`                    | invalid_prompt  | prompt    | 'prompt' must not be an empty string.",
        "COMPLETION | `{\"prompt\":[]}`                      | invalid_prompt  | prompt    | 'prompt' must be a string, an array of strings, an array of token ids, or an array of such arrays, and not empty.",
        "COMPLETION | `{\"prompt\":{}}`                      | invalid_prompt  | prompt    | 'prompt' must be a string, an array of strings, an array of token ids, or an array of such arrays, and not empty.",
        "COMPLETION | `{\"prompt\":[\"a\",\"b\",\"c\",\"d\"]}` | invalid_prompt | prompt   | 'prompt' holds 4 items; at most 3 are accepted (MAX_MESSAGES).",
        "COMPLETION | `{\"prompt\":[[1],[2],[3],[4]]}`       | invalid_prompt  | prompt    | 'prompt' holds 4 items; at most 3 are accepted (MAX_MESSAGES).",
        "COMPLETION | `{\"prompt\":[\"a\",3]}`               | invalid_prompt  | prompt[1] | prompt[1] must be a non-empty string or a non-empty array of token ids.",
        "COMPLETION | `{\"prompt\":[\"a\",\"\"]}`             | invalid_prompt  | prompt[1] | prompt[1] must not be an empty string.",
        "COMPLETION | `{\"prompt\":[1,2.5]}`                  | invalid_prompt  | prompt    | 'prompt' must hold token ids: integers from 0.",
        "COMPLETION | `{\"prompt\":[[1],[-1]]}`               | invalid_prompt  | prompt[1] | prompt[1] must hold token ids: integers from 0.",
        "COMPLETION | `{\"prompt\":\"x\",\"model\":\"\"}`     | invalid_model   | model     | 'model' must be a non-empty string.",
        "COMPLETION | `{\"prompt\":\"x\",\"max_tokens\":1001}` | invalid_max_tokens | max_tokens | 'max_tokens' must be an integer from 1 to 1000.",
        "COMPLETION | `{\"prompt\":\"x\",\"best_of\":21}`    | invalid_best_of | best_of   | 'best_of' must be an integer from 1 to 20.",
        "COMPLETION | `{\"prompt\":\"x\",\"logprobs\":6}`    | invalid_logprobs | logprobs | 'logprobs' must be an integer from 0 to 5.",
        "COMPLETION | `{\"prompt\":\"x\",\"echo\":\"yes\"}`  | invalid_echo    | echo      | 'echo' must be true or false.",
        "COMPLETION | `{\"prompt\":\"x\",\"suffix\":1}`      | invalid_suffix  | suffix    | 'suffix' must be a string.",
        "COMPLETION | `{\"prompt\":\"x\",\"temperature\":3}` | invalid_temperature | temperature | 'temperature' must be a number from 0 to 2.",
        "COMPLETION | `{\"prompt\":\"x\",\"stop\":[1]}`      | invalid_stop    | stop      | 'stop' must be a string or an array of up to 4 strings.",
        "COMPLETION | `{\"prompt\":\"x\",\"stream_options\":{}}` | invalid_stream_options | stream_options | 'stream_options' is only allowed when 'stream' is true.",
        "EMBEDDING  | `{}`                                   | invalid_input   | input     | 'input' is required: a string, an array of strings, an array of token ids, or an array of such arrays.",
        "EMBEDDING  | `{\"input\":\"\"}`                     | invalid_input   | input     | 'input' must not be an empty string.",
        "EMBEDDING  | `{\"input\":[\"a\",null]}`             | invalid_input   | input[1]  | input[1] must be a non-empty string or a non-empty array of token ids.",
        "EMBEDDING  | `{\"input\":\"x\",\"stream\":true}`    | invalid_stream  | stream    | Embeddings do not stream: 'stream' must be false or left out.",
        "EMBEDDING  | `{\"input\":\"x\",\"dimensions\":0}`   | invalid_dimensions | dimensions | 'dimensions' must be an integer from 1 to 8192.",
        "EMBEDDING  | `{\"input\":\"x\",\"encoding_format\":\"int8\"}` | invalid_encoding_format | encoding_format | 'encoding_format' must be \"float\" or \"base64\".",
        "EMBEDDING  | `{\"input\":\"x\",\"user\":5}`         | invalid_user    | user      | 'user' must be a string.",
        "RESPONSE   | `{}`                                   | invalid_input   | input     | 'input' is required: a string, or an array of input items.",
        "RESPONSE   | `{\"input\":\"\"}`                     | invalid_input   | input     | 'input' must not be an empty string.",
        "RESPONSE   | `{\"input\":[]}`                       | invalid_input   | input     | 'input' must be a string, or a non-empty array of input items.",
        "RESPONSE   | `{\"input\":[{},{},{},{}]}`            | invalid_input   | input     | 'input' holds 4 items; at most 3 are accepted (MAX_MESSAGES).",
        "RESPONSE   | `{\"input\":[\"hi\"]}`                 | invalid_input   | input[0]  | input[0] must be an object: a message with a 'role' and a 'content', or an item with a 'type'.",
        "RESPONSE   | `{\"input\":[{\"content\":\"hi\"}]}`   | invalid_input   | input[0]  | input[0] must have a 'role' (a message) or a string 'type' (another item).",
        "RESPONSE   | `{\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}` | invalid_input | input[0].role | input[0].role must be one of assistant, developer, system, user.",
        "RESPONSE   | `{\"input\":[{\"role\":\"user\"}]}`    | invalid_input   | input[0].content | input[0].content must be a string or an array of content parts.",
        "RESPONSE   | `{\"input\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}` | invalid_input | input[0].content[0] | input[0].content[0] must be a content part: an object with a string 'type'.",
        "RESPONSE   | `{\"input\":\"x\",\"instructions\":7}` | invalid_instructions | instructions | 'instructions' must be a string.",
        "RESPONSE   | `{\"input\":\"x\",\"max_output_tokens\":0}` | invalid_max_output_tokens | max_output_tokens | 'max_output_tokens' must be an integer from 1 to 1000.",
        "RESPONSE   | `{\"input\":\"x\",\"store\":1}`        | invalid_store   | store     | 'store' must be true or false.",
        "RESPONSE   | `{\"input\":\"x\",\"stream\":\"yes\"}` | invalid_stream  | stream    | 'stream' must be true or false.",
    })
    void eachRuleNamesItsCodeAndField(Operation operation, String body, String code, String param, String message) {
        ApiError error = assertThrows(ApiError.class, () -> parse(operation, body));
        assertEquals(400, error.status());
        assertEquals("invalid_request_error", error.type());
        assertEquals(code, error.code());
        assertEquals(param, error.param());
        assertEquals(message, error.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "COMPLETION | `{\"prompt\":\"def f():\",\"suffix\":\"return 1\",\"max_tokens\":16,\"echo\":false,\"logprobs\":0}`",
        "COMPLETION | `{\"prompt\":[[1,2],[3]],\"stream\":true,\"stream_options\":{\"include_usage\":true}}`",
        "COMPLETION | `{\"prompt\":\"x\",\"temperature\":null,\"n\":null}`",
        "EMBEDDING  | `{\"input\":[\"a\",[1,2]],\"dimensions\":8,\"encoding_format\":\"base64\"}`",
        "EMBEDDING  | `{\"input\":\"a\",\"stream\":null}`",
        "EMBEDDING  | `{\"input\":\"a\",\"stream\":false}`",
        "RESPONSE   | `{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]},{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"{}\"}]}`",
        "RESPONSE   | `{\"previous_response_id\":\"resp_1\"}`",
        "RESPONSE   | `{\"input\":\"x\",\"stream\":true,\"max_output_tokens\":16,\"store\":false}`",
    })
    void acceptsWhatOpenAiAccepts(Operation operation, String body) {
        assertDoesNotThrow(() -> parse(operation, body));
    }

    /**
     * MAX_MESSAGES bounds how many prompts a request holds, not how long one is: a prompt
     * of token ids is one text, as long as a string may be.
     */
    @ParameterizedTest
    @CsvSource({"COMPLETION, prompt", "EMBEDDING, input"})
    void aPromptOfTokenIdsIsOneTextHoweverLong(Operation operation, String field) {
        String tokens = String.join(",", Collections.nCopies(3000, "42"));
        assertEquals(1, parse(operation, "{\"" + field + "\":[" + tokens + "]}").inputs().size());
    }

    @Test
    void eachOperationsTextIsReadForEchoEstimatesAndRouting() {
        var completion = parse(Operation.COMPLETION, "{\"prompt\":[\"one\",[7,8]]}");
        assertEquals(List.of("one", "7 8"), completion.inputs());
        assertEquals(List.of(new ModelRequest.Turn("user", "one"), new ModelRequest.Turn("user", "7 8")), completion.turns());

        var response = ModelRequest.parse(Operation.RESPONSE, """
                {"instructions": "Be brief.", "input": [
                  {"role": "user", "content": "first"},
                  {"type": "function_call_output", "call_id": "c", "output": "{}"},
                  {"role": "assistant", "content": [{"type": "output_text", "text": "ok"}]},
                  {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "second"}]}]}"""
                .getBytes(StandardCharsets.UTF_8), "req-1", "", new ModelRequest.Limits(1000, 10));
        assertEquals(List.of(new ModelRequest.Turn("system", "Be brief."), new ModelRequest.Turn("user", "first"),
                new ModelRequest.Turn("assistant", "ok"), new ModelRequest.Turn("user", "second")), response.turns());
        assertEquals("second", response.prompt());
        assertEquals(List.of("second"), response.inputs());
        assertEquals(9 + 5 + 2 + 6, response.promptCharacters());

        assertEquals("x y", parse(Operation.RESPONSE, "{\"input\":\"x y\"}").prompt());
        assertEquals(List.of("a", "b"), parse(Operation.EMBEDDING, "{\"input\":[\"a\",\"b\"]}").inputs());
    }

    @Test
    void onlyChatAndCompletionStreamsAskForUsage() {
        assertEquals(true, parse(Operation.COMPLETION, "{\"prompt\":\"x\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}").includeUsage());
        assertEquals(false, parse(Operation.COMPLETION, "{\"prompt\":\"x\",\"stream\":true}").includeUsage());
        assertEquals(false, Operation.EMBEDDING.streams());
        assertEquals("text_completion", Operation.COMPLETION.genAiName());
    }
}
