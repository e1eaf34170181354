package examples;

import static examples.Http.chat;
import static examples.Http.chatText;
import static examples.Http.json;
import static examples.Http.post;
import static examples.Http.streamedText;
import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.Gateway;
import gateway.json.JsonObject;
import gateway.openai.ModelRequest;
import gateway.worker.TextWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lesson 2: a worker of one's own.
 *
 * <p>Teaches: a {@code Worker} is where answers come from (the echo, the backends). Extending
 * {@link TextWorker} and writing one method, {@code reply(request, prompt)}, is enough for the
 * gateway to answer every text operation in its own shape, whole or streamed: chat
 * completions, text completions ({@code /v1/completions}) and the Responses API
 * ({@code /v1/responses}). Everything around the worker (keys, limits, checks, the log, the
 * metrics) is the gateway's and stays as it is.
 *
 * <p>Exercise: write a worker that answers in reverse word order, and make it slow with
 * {@code pause(call)} (sleep 50 ms between words); stream a reply and see the pieces arrive.
 */
class Lesson2WorkerTest {

    /** The smallest worker: it shouts the prompt back. */
    static final class Shout extends TextWorker {
        Shout() {
            super("shout"); // the model it answers as when a request names none
        }

        @Override
        protected String reply(ModelRequest request, String prompt) {
            return prompt.toUpperCase(Locale.ROOT);
        }
    }

    /** Answers from a file of canned replies, lines of {@code question = answer}; anything else gets a shrug. */
    static final class CannedReplies extends TextWorker {
        private final Map<String, String> answers = new HashMap<>();

        CannedReplies(Path file) throws IOException {
            super("canned");
            for (String line : Files.readAllLines(file)) {
                int equals = line.indexOf('=');
                if (equals > 0 && !line.startsWith("#")) {
                    answers.put(normal(line.substring(0, equals)), line.substring(equals + 1).strip());
                }
            }
        }

        @Override
        protected String reply(ModelRequest request, String prompt) {
            return answers.getOrDefault(normal(prompt), "I have no answer to that.");
        }

        /** Questions match whatever their case, spacing and final question mark. */
        private static String normal(String question) {
            return question.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("\\?$", "");
        }
    }

    @Test
    void aWorkerAnswersChatsWholeAndStreamed() {
        try (var gateway = Gateway.builder().port(0).worker(new Shout()).log(line -> { }).start()) {
            var whole = post(gateway, "/v1/chat/completions", chat("hello there"));
            assertEquals(200, whole.statusCode(), whole.body());
            assertEquals("HELLO THERE", chatText(whole));
            assertEquals("shout", json(whole).string("model").orElseThrow(), "the worker's model, as none was asked for");

            var streamed = post(gateway, "/v1/chat/completions", """
                    {"messages": [{"role": "user", "content": "hello there"}], "stream": true}""");
            assertEquals("text/event-stream; charset=utf-8", streamed.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("HELLO THERE", streamedText(streamed), "the same reply, word by word");
            assertEquals("Shout", streamed.headers().firstValue("X-Gateway-Backend").orElseThrow(), "who answered");
        }
    }

    @Test
    void theSameWorkerAnswersTextCompletionsAndResponses(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("replies.txt"), """
                # question = answer
                What is the capital of France? = Paris.
                Who wrote Hamlet? = William Shakespeare.
                """);
        try (var gateway = Gateway.builder().port(0).worker(new CannedReplies(file)).log(line -> { }).start()) {
            assertEquals("Paris.", chatText(post(gateway, "/v1/chat/completions", chat("what is the capital of  france"))));

            // /v1/completions: a prompt in, choices[0].text out (several prompts would get one choice each).
            var completion = json(post(gateway, "/v1/completions", """
                    {"model": "canned", "prompt": "Who wrote Hamlet?"}"""));
            assertEquals("text_completion", completion.string("object").orElseThrow());
            assertEquals("William Shakespeare.", ((JsonObject) completion.array("choices").orElseThrow().get(0))
                    .string("text").orElseThrow());

            // /v1/responses: input in, an output message out, with output_text parts.
            var response = json(post(gateway, "/v1/responses", """
                    {"model": "canned", "input": "Who painted the Mona Lisa?"}"""));
            assertEquals("response", response.string("object").orElseThrow());
            JsonObject message = (JsonObject) response.array("output").orElseThrow().get(0);
            JsonObject text = (JsonObject) message.array("content").orElseThrow().get(0);
            assertEquals("I have no answer to that.", text.string("text").orElseThrow());
            assertEquals(5, response.object("usage").orElseThrow().longValue("input_tokens").orElseThrow(),
                    "tokens are counted as words");
        }
    }
}
