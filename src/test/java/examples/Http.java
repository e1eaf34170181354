package examples;

import gateway.Gateway;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What lesson 1 does by hand, for the other lessons: POST some JSON to a gateway, and read
 * the parts of OpenAI's answers that the lessons check.
 */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Http() {
    }

    /** POSTs {@code json} to {@code path} of the gateway, with headers as name, value, name, value… */
    static HttpResponse<String> post(Gateway gateway, String path, String json, String... headers) {
        var request = HttpRequest.newBuilder(gateway.uri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A chat request of one user message, as JSON: {@code {"messages":[{"role":"user","content":…}]}}. */
    static String chat(String text) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":" + Json.quote(text) + "}]}";
    }

    /** The body, parsed. */
    static JsonObject json(HttpResponse<String> response) {
        return (JsonObject) Json.parse(response.body());
    }

    /** A whole chat completion's text: {@code choices[0].message.content}. */
    static String chatText(HttpResponse<String> response) {
        return firstChoice(json(response)).object("message").orElseThrow().string("content").orElseThrow();
    }

    /** A streamed chat completion's text: the {@code choices[0].delta.content} of every chunk, joined. */
    static String streamedText(HttpResponse<String> response) {
        var text = new StringBuilder();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonObject chunk = (JsonObject) Json.parse(line.substring("data: ".length()));
                chunk.array("choices").filter(choices -> choices.size() > 0)
                        .flatMap(choices -> ((JsonObject) choices.get(0)).object("delta"))
                        .flatMap(delta -> delta.string("content")).ifPresent(text::append);
            }
        }
        return text.toString();
    }

    /** {@code error.code}, {@code error.param} or another member of an OpenAI error. */
    static String error(HttpResponse<String> response, String member) {
        return json(response).object("error").orElseThrow().string(member).orElse(null);
    }

    private static JsonObject firstChoice(JsonObject reply) {
        JsonArray choices = reply.array("choices").orElseThrow();
        return (JsonObject) choices.get(0);
    }
}
