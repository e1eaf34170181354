package examples;

import static examples.Http.chat;
import static examples.Http.chatText;
import static examples.Http.error;
import static examples.Http.post;
import static examples.Http.streamedText;
import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.Gateway;
import gateway.mock.MockOptions;
import org.junit.jupiter.api.Test;

/**
 * Lesson 4: a backend behind the gateway, in the same JVM.
 *
 * <p>Teaches: a real deployment puts inference servers (llama.cpp, vLLM, Ollama, OpenAI)
 * behind the gateway, set by {@code BACKEND_URL} or {@code BACKENDS}. The mock backend is one
 * in miniature, with OpenAI's API, slots and a prefix cache like llama.cpp's, and faults on
 * request. {@code mock(options)} starts one on a free port, points the gateway at it, and
 * closes it with the gateway. Now the gateway proxies: it forwards the request, relays the
 * stream frame by frame, and turns a failing backend into an honest error (never a quiet 200).
 *
 * <p>Exercise: give the mock {@code withFirstByteDelay(Duration.ofSeconds(3))} and the gateway
 * {@code setting("BACKEND_TIMEOUT_SECONDS", "1")}: what status and {@code error.code} does the
 * client get? Then read {@code gateway.worker.OpenAiBackend}, which made that answer.
 */
class Lesson4MockTest {

    @Test
    void theGatewayRelaysTheMocksAnswersWholeAndStreamed() {
        var mock = MockOptions.defaults().withReply("Hello from the mock");
        try (var gateway = Gateway.builder().port(0).mock(mock).log(line -> { }).start()) {
            var whole = post(gateway, "/v1/chat/completions", chat("hi"));
            assertEquals(200, whole.statusCode(), whole.body());
            assertEquals("Hello from the mock", chatText(whole));
            assertEquals("default", whole.headers().firstValue("X-Gateway-Backend").orElseThrow(), "BACKEND_URL's backend");

            var streamed = post(gateway, "/v1/chat/completions", """
                    {"messages": [{"role": "user", "content": "hi"}], "stream": true}""");
            assertEquals("Hello from the mock", streamedText(streamed), "relayed frame by frame");
        }
    }

    @Test
    void aFailingBackendIsAnHonestError() {
        var failing = MockOptions.defaults().withErrorRate(1); // every request gets a 500
        try (var gateway = Gateway.builder().port(0).mock(failing).log(line -> { }).start()) {
            var response = post(gateway, "/v1/chat/completions", chat("hi"));
            assertEquals(502, response.statusCode(), response.body());
            assertEquals("backend_error", error(response, "code"));
        }
    }
}
