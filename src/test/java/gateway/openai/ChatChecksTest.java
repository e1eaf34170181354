package gateway.openai;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gateway.http.ApiError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChatChecksTest {
    static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";
    static final ModelRequest.Limits LIMITS = new ModelRequest.Limits(1000, 5);

    static ApiError rejection(String body) {
        return assertThrows(ApiError.class, () -> ModelRequest.parse(bytes(body), "id", "", LIMITS));
    }

    /** Each rule: a body that breaks it, the code, the param and the message the client reads. */
    @ParameterizedTest(name = "[{index}] {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"messages\":[USER],\"model\":\"\"}`        | invalid_model    | model            | 'model' must be a non-empty string.",
        "`{\"messages\":[USER],\"model\":7}`           | invalid_model    | model            | 'model' must be a non-empty string.",
        "`{}`                                          | invalid_messages | messages         | 'messages' must be a non-empty array of messages.",
        "`{\"messages\":{}}`                           | invalid_messages | messages         | 'messages' must be a non-empty array of messages.",
        "`{\"messages\":[USER,USER,USER,USER,USER,USER]}` | invalid_messages | messages   | 'messages' holds 6 messages; at most 5 are accepted (MAX_MESSAGES).",
        "`{\"messages\":[USER, 3]}`                    | invalid_messages | messages[1]      | messages[1] must be an object with a 'role' and a 'content'.",
        "`{\"messages\":[USER,USER,{\"role\":\"bot\",\"content\":\"x\"}]}` | invalid_messages | messages[2].role | messages[2].role must be one of assistant, developer, system, tool, user.",
        "`{\"messages\":[{\"content\":\"x\"}]}`        | invalid_messages | messages[0].role | messages[0].role must be one of assistant, developer, system, tool, user.",
        "`{\"messages\":[{\"role\":\"user\"}]}`        | invalid_messages | messages[0].content | messages[0].content is required; only an assistant message with 'tool_calls' may omit it.",
        "`{\"messages\":[{\"role\":\"user\",\"content\":null}]}` | invalid_messages | messages[0].content | messages[0].content is required; only an assistant message with 'tool_calls' may omit it.",
        "`{\"messages\":[{\"role\":\"assistant\",\"content\":null}]}` | invalid_messages | messages[0].content | messages[0].content is required; only an assistant message with 'tool_calls' may omit it.",
        "`{\"messages\":[{\"role\":\"user\",\"content\":5}]}` | invalid_messages | messages[0].content | messages[0].content must be a string or an array of content parts.",
        "`{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}` | invalid_messages | messages[0].content[0] | messages[0].content[0] must be a content part: an object with a string 'type'.",
        "`{\"messages\":[USER],\"stream\":1}`          | invalid_stream   | stream           | 'stream' must be true or false.",
        "`{\"messages\":[USER],\"stream_options\":{\"include_usage\":true}}` | invalid_stream_options | stream_options | 'stream_options' is only allowed when 'stream' is true.",
        "`{\"messages\":[USER],\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}}` | invalid_stream_options | stream_options | 'stream_options' must be an object such as {\"include_usage\": true}.",
        "`{\"messages\":[USER],\"max_tokens\":0}`      | invalid_max_tokens | max_tokens     | 'max_tokens' must be an integer from 1 to 1000.",
        "`{\"messages\":[USER],\"max_tokens\":1001}`   | invalid_max_tokens | max_tokens     | 'max_tokens' must be an integer from 1 to 1000.",
        "`{\"messages\":[USER],\"max_tokens\":2.5}`    | invalid_max_tokens | max_tokens     | 'max_tokens' must be an integer from 1 to 1000.",
        "`{\"messages\":[USER],\"max_tokens\":\"10\"}` | invalid_max_tokens | max_tokens     | 'max_tokens' must be an integer from 1 to 1000.",
        "`{\"messages\":[USER],\"max_completion_tokens\":-1}` | invalid_max_tokens | max_completion_tokens | 'max_completion_tokens' must be an integer from 1 to 1000.",
        "`{\"messages\":[USER],\"n\":0}`               | invalid_n        | n                | 'n' must be an integer from 1 to 128.",
        "`{\"messages\":[USER],\"temperature\":2.01}`  | invalid_temperature | temperature   | 'temperature' must be a number from 0 to 2.",
        "`{\"messages\":[USER],\"temperature\":-1e999}` | invalid_temperature | temperature  | 'temperature' must be a number from 0 to 2.",
        "`{\"messages\":[USER],\"top_p\":1.5}`         | invalid_top_p    | top_p            | 'top_p' must be a number from 0 to 1.",
        "`{\"messages\":[USER],\"presence_penalty\":-3}` | invalid_presence_penalty | presence_penalty | 'presence_penalty' must be a number from -2 to 2.",
        "`{\"messages\":[USER],\"frequency_penalty\":true}` | invalid_frequency_penalty | frequency_penalty | 'frequency_penalty' must be a number from -2 to 2.",
        "`{\"messages\":[USER],\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}` | invalid_stop | stop | 'stop' must be a string or an array of up to 4 strings.",
        "`{\"messages\":[USER],\"stop\":[1]}`          | invalid_stop     | stop             | 'stop' must be a string or an array of up to 4 strings.",
    })
    void eachRuleNamesItsCodeAndField(String body, String code, String param, String message) {
        ApiError error = rejection(body.replace("USER", USER));
        assertEquals(400, error.status());
        assertEquals("invalid_request_error", error.type());
        assertEquals(code, error.code());
        assertEquals(param, error.param());
        assertEquals(message, error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"messages\":[USER]}",
        "{\"messages\":[USER],\"model\":null,\"temperature\":null,\"stop\":null,\"max_tokens\":null}",
        "{\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},USER,{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}",
        "{\"messages\":[USER],\"max_tokens\":1000,\"max_completion_tokens\":1,\"n\":128,\"temperature\":0,\"top_p\":1,"
                + "\"presence_penalty\":-2,\"frequency_penalty\":2,\"stop\":[\"a\",\"b\",\"c\",\"d\"]}",
        "{\"messages\":[USER],\"stream\":true,\"stream_options\":{\"include_usage\":false}}",
        "{\"messages\":[USER],\"tools\":[],\"response_format\":{\"type\":\"json_object\"},\"seed\":1,\"logit_bias\":{}}",
    })
    void validRequestsPass(String body) {
        assertDoesNotThrow(() -> ModelRequest.parse(bytes(body.replace("USER", USER)), "id", "", LIMITS));
    }

    @Test
    void theRequestKeepsEveryFieldToForward() {
        String body = "{\"messages\":[" + USER + "],\"seed\":12345678901234567890,\"custom\":{\"a\":[1]}}";
        ModelRequest request = ModelRequest.parse(bytes(body), "id-1", "default-model", LIMITS);
        assertEquals(body, request.body().toJson());
        assertEquals("default-model", request.model());
        assertEquals("hi", request.prompt());
    }

    @Test
    void thePromptIsTheLastUserMessagesText() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\",\"content\":\"x\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"line 1\"},{\"type\":\"image_url\"},"
                + "{\"type\":\"text\",\"text\":\"line 2\"}]}]}";
        assertEquals("line 1\nline 2", ModelRequest.parse(bytes(body), "id", "", LIMITS).prompt());
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
