package gateway.openai;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gateway.http.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules of the operations besides chat (text completions, embeddings, responses), each with the error a client reads. */
class OperationChecksTest {
    static final ModelRequest.Limits LIMITS = new ModelRequest.Limits(1000, 5);

    static ModelRequest parse(Operation operation, String body) {
        return ModelRequest.parse(operation, body.getBytes(StandardCharsets.UTF_8), "id", "", LIMITS);
    }

    /** Each rule: a body that breaks it, the code, the param and the message. */
    @ParameterizedTest(name = "[{index}] {0} {2} {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "COMPLETION | `{}`                                   | invalid_prompt | prompt    | 'prompt' is required: a string, an array of strings, an array of token ids, or an array of such arrays.",
        "COMPLETION | `{\"prompt\":\"\"}`                    | invalid_prompt | prompt    | 'prompt' must not be an empty string.",
        "COMPLETION | `{\"prompt\":[]}`                      | invalid_prompt | prompt    | 'prompt' must be a string, an array of strings, an array of token ids, or an array of such arrays, and not empty.",
        "COMPLETION | `{\"prompt\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}` | invalid_prompt | prompt | 'prompt' holds 6 items; at most 5 are accepted (MAX_MESSAGES).",
        "COMPLETION | `{\"prompt\":[[1],[2],[3],[4],[5],[6]]}` | invalid_prompt | prompt | 'prompt' holds 6 items; at most 5 are accepted (MAX_MESSAGES).",
        "COMPLETION | `{\"prompt\":[1,-2]}`                  | invalid_prompt | prompt    | 'prompt' must hold token ids: integers from 0.",
        "COMPLETION | `{\"prompt\":[\"a\",[]]}`              | invalid_prompt | prompt[1] | prompt[1] must be a non-empty string or a non-empty array of token ids.",
        "COMPLETION | `{\"prompt\":[[1],[2.5]]}`             | invalid_prompt | prompt[1] | prompt[1] must hold token ids: integers from 0.",
        "COMPLETION | `{\"prompt\":\"a\",\"max_tokens\":1001}` | invalid_max_tokens | max_tokens | 'max_tokens' must be an integer from 1 to 1000.",
        "COMPLETION | `{\"prompt\":\"a\",\"best_of\":21}`    | invalid_best_of | best_of  | 'best_of' must be an integer from 1 to 20.",
        "COMPLETION | `{\"prompt\":\"a\",\"logprobs\":6}`    | invalid_logprobs | logprobs | 'logprobs' must be an integer from 0 to 5.",
        "COMPLETION | `{\"prompt\":\"a\",\"suffix\":1}`      | invalid_suffix | suffix    | 'suffix' must be a string.",
        "COMPLETION | `{\"prompt\":\"a\",\"echo\":\"yes\"}`  | invalid_echo   | echo      | 'echo' must be true or false.",
        "EMBEDDING  | `{}`                                   | invalid_input  | input     | 'input' is required: a string, an array of strings, an array of token ids, or an array of such arrays.",
        "EMBEDDING  | `{\"input\":[\"\"]}`                   | invalid_input  | input[0]  | input[0] must not be an empty string.",
        "EMBEDDING  | `{\"input\":\"a\",\"stream\":true}`    | invalid_stream | stream    | Embeddings do not stream: 'stream' must be false or left out.",
        "EMBEDDING  | `{\"input\":\"a\",\"dimensions\":0}`   | invalid_dimensions | dimensions | 'dimensions' must be an integer from 1 to 8192.",
        "EMBEDDING  | `{\"input\":\"a\",\"encoding_format\":\"int8\"}` | invalid_encoding_format | encoding_format | 'encoding_format' must be \"float\" or \"base64\".",
        "EMBEDDING  | `{\"input\":\"a\",\"user\":1}`         | invalid_user   | user      | 'user' must be a string.",
        "RESPONSE   | `{}`                                   | invalid_input  | input     | 'input' is required: a string, or an array of input items.",
        "RESPONSE   | `{\"input\":[]}`                       | invalid_input  | input     | 'input' must be a string, or a non-empty array of input items.",
        "RESPONSE   | `{\"input\":[1]}`                      | invalid_input  | input[0]  | input[0] must be an object: a message with a 'role' and a 'content', or an item with a 'type'.",
        "RESPONSE   | `{\"input\":[{\"content\":\"x\"}]}`    | invalid_input  | input[0]  | input[0] must have a 'role' (a message) or a string 'type' (another item).",
        "RESPONSE   | `{\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}` | invalid_input | input[0].role | input[0].role must be one of assistant, developer, system, user.",
        "RESPONSE   | `{\"input\":[{\"role\":\"user\"}]}`    | invalid_input  | input[0].content | input[0].content must be a string or an array of content parts.",
        "RESPONSE   | `{\"input\":\"a\",\"instructions\":1}` | invalid_instructions | instructions | 'instructions' must be a string.",
        "RESPONSE   | `{\"input\":\"a\",\"max_output_tokens\":0}` | invalid_max_output_tokens | max_output_tokens | 'max_output_tokens' must be an integer from 1 to 1000.",
        "RESPONSE   | `{\"input\":\"a\",\"store\":\"no\"}`   | invalid_store  | store     | 'store' must be true or false.",
    })
    void eachRuleNamesItsCodeAndField(Operation operation, String body, String code, String param, String message) {
        ApiError error = assertThrows(ApiError.class, () -> parse(operation, body));
        assertEquals(400, error.status());
        assertEquals(code, error.code());
        assertEquals(param, error.param());
        assertEquals(message, error.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "COMPLETION | `{\"prompt\":\"a\",\"max_tokens\":1000,\"n\":128,\"best_of\":20,\"logprobs\":5,\"suffix\":\"}\",\"echo\":true}`",
        "COMPLETION | `{\"prompt\":[[1,2],[3]],\"stream\":true,\"stream_options\":{\"include_usage\":true}}`",
        "EMBEDDING  | `{\"input\":[\"a\",\"b\"],\"dimensions\":8192,\"encoding_format\":\"base64\",\"user\":\"u\"}`",
        "EMBEDDING  | `{\"input\":\"a\",\"stream\":null}`",
        "EMBEDDING  | `{\"input\":\"a\",\"stream\":false}`",
        "RESPONSE   | `{\"previous_response_id\":\"resp_1\"}`",
        "RESPONSE   | `{\"input\":[{\"role\":\"developer\",\"content\":\"Be brief.\"},{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"4\"}]}`",
    })
    void validRequestsPass(Operation operation, String body) {
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
}
