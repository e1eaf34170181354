package gateway.openai;

import gateway.json.JsonArray;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The answer of {@code POST /v1/embeddings} (OpenAI API reference, "The embedding
 * object"): a list with one vector per input, in the input's order, each as an array of
 * numbers or, with {@code "encoding_format": "base64"}, as the base64 of its 32-bit
 * little-endian floats, which is what the OpenAI SDKs ask for and decode.
 */
public final class Embeddings {
    private Embeddings() {
    }

    /** Whether the request asked for base64 vectors. */
    public static boolean base64(ModelRequest request) {
        return request.body().string("encoding_format").filter("base64"::equals).isPresent();
    }

    /** The list of {@code vectors} from {@code model}, with usage counting prompt tokens only. */
    public static JsonObject list(String model, List<float[]> vectors, boolean base64, long promptTokens) {
        List<JsonValue> data = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            data.add(JsonObject.builder().put("object", "embedding").put("index", i)
                    .put("embedding", base64 ? new JsonString(encode(vectors.get(i))) : numbers(vectors.get(i))).build());
        }
        return JsonObject.builder()
                .put("object", "list")
                .put("data", new JsonArray(data))
                .put("model", model)
                .put("usage", JsonObject.builder().put("prompt_tokens", promptTokens).put("total_tokens", promptTokens).build())
                .build();
    }

    private static JsonArray numbers(float[] vector) {
        List<JsonValue> numbers = new ArrayList<>(vector.length);
        for (float x : vector) {
            numbers.add(new JsonNumber(Float.toString(x))); // a float's shortest text, not a double's 17 digits
        }
        return new JsonArray(numbers);
    }

    static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : vector) {
            bytes.putFloat(x);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
