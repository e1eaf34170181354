package gateway.openai;

import gateway.http.ApiError;
import gateway.json.JsonBoolean;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import java.util.Set;

/**
 * The rules of an embeddings request ({@code POST /v1/embeddings}), after the OpenAI API
 * reference ("Create embeddings"): the input, and how the vectors should come back.
 */
final class EmbeddingChecks {
    /** OpenAI's ceiling on inputs per request. */
    static final int MAX_INPUTS = 2048;
    /** Wider than any embedding model's vectors (3,072 for text-embedding-3-large, 4,096 for the 7B ones). */
    static final int MAX_DIMENSIONS = 8192;
    static final Set<String> ENCODINGS = Set.of("float", "base64");

    private EmbeddingChecks() {
    }

    static void check(JsonObject body) {
        FieldChecks.model(body);
        if (!FieldChecks.present(body.get("input"))) {
            throw ApiError.invalidRequest("invalid_input", "input", "'input' is required: a string, an array of strings,"
                    + " an array of token ids, or an array of such arrays.");
        }
        Inputs.check(body.get("input"), "input", MAX_INPUTS, null);
        // null is absent, as for every field; false asks for what an embedding is anyway.
        if (FieldChecks.present(body.get("stream")) && body.get("stream") != JsonBoolean.FALSE) {
            throw ApiError.invalidRequest("invalid_stream", "stream", "Embeddings do not stream: 'stream' must be false or left out.");
        }
        FieldChecks.integer(body, "dimensions", 1, MAX_DIMENSIONS, "invalid_dimensions");
        var format = body.get("encoding_format");
        if (FieldChecks.present(format) && !(format instanceof JsonString s && ENCODINGS.contains(s.value()))) {
            throw ApiError.invalidRequest("invalid_encoding_format", "encoding_format",
                    "'encoding_format' must be \"float\" or \"base64\".");
        }
        FieldChecks.string(body, "user");
    }
}
