package gateway.openai;

import gateway.http.ApiError;
import gateway.json.JsonArray;
import gateway.json.JsonBoolean;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;

/**
 * The rules several operations share, each failure a 400 naming its field in {@code param}.
 * A field set to {@code null} counts as absent, as OpenAI's API takes it.
 */
final class FieldChecks {
    /** OpenAI accepts at most 4 stop sequences. */
    static final int MAX_STOP_SEQUENCES = 4;

    private FieldChecks() {
    }

    static boolean present(JsonValue value) {
        return value != null && value != JsonNull.INSTANCE;
    }

    static void model(JsonObject body) {
        JsonValue model = body.get("model");
        if (present(model) && !(model instanceof JsonString s && !s.value().isBlank())) {
            throw ApiError.invalidRequest("invalid_model", "model", "'model' must be a non-empty string.");
        }
    }

    /** {@code stream}, and {@code stream_options}, which only a stream may have. */
    static void stream(JsonObject body) {
        JsonValue stream = body.get("stream");
        if (present(stream) && !(stream instanceof JsonBoolean)) {
            throw ApiError.invalidRequest("invalid_stream", "stream", "'stream' must be true or false.");
        }
        JsonValue options = body.get("stream_options");
        if (present(options)) {
            if (stream != JsonBoolean.TRUE) {
                throw ApiError.invalidRequest("invalid_stream_options", "stream_options",
                        "'stream_options' is only allowed when 'stream' is true.");
            }
            if (!(options instanceof JsonObject o) || (present(o.get("include_usage")) && !(o.get("include_usage") instanceof JsonBoolean))) {
                throw ApiError.invalidRequest("invalid_stream_options", "stream_options",
                        "'stream_options' must be an object such as {\"include_usage\": true}.");
            }
        }
    }

    static void integer(JsonObject body, String name, long min, long max, String code) {
        JsonValue value = body.get(name);
        if (present(value) && !(value instanceof JsonNumber n && n.isLong() && n.longValue() >= min && n.longValue() <= max)) {
            throw ApiError.invalidRequest(code, name, "'" + name + "' must be an integer from " + min + " to " + max + ".");
        }
    }

    static void number(JsonObject body, String name, double min, double max) {
        JsonValue value = body.get(name);
        if (present(value) && !(value instanceof JsonNumber n && n.doubleValue() >= min && n.doubleValue() <= max)) {
            throw ApiError.invalidRequest("invalid_" + name, name, "'" + name + "' must be a number from "
                    + JsonNumber.of(min).text() + " to " + JsonNumber.of(max).text() + ".");
        }
    }

    /** {@code temperature}, {@code top_p} and the two penalties, in OpenAI's ranges. */
    static void sampling(JsonObject body) {
        number(body, "temperature", 0, 2);
        number(body, "top_p", 0, 1);
        number(body, "presence_penalty", -2, 2);
        number(body, "frequency_penalty", -2, 2);
    }

    static void string(JsonObject body, String name) {
        JsonValue value = body.get(name);
        if (present(value) && !(value instanceof JsonString)) {
            throw ApiError.invalidRequest("invalid_" + name, name, "'" + name + "' must be a string.");
        }
    }

    static void bool(JsonObject body, String name) {
        JsonValue value = body.get(name);
        if (present(value) && !(value instanceof JsonBoolean)) {
            throw ApiError.invalidRequest("invalid_" + name, name, "'" + name + "' must be true or false.");
        }
    }

    static void stop(JsonValue stop) {
        if (!present(stop) || stop instanceof JsonString) {
            return;
        }
        if (stop instanceof JsonArray list && list.size() <= MAX_STOP_SEQUENCES
                && list.values().stream().allMatch(JsonString.class::isInstance)) {
            return;
        }
        throw ApiError.invalidRequest("invalid_stop", "stop", "'stop' must be a string or an array of up to "
                + MAX_STOP_SEQUENCES + " strings.");
    }

    /** A content array's parts: each an object with a string {@code type}. */
    static void contentParts(JsonArray parts, String at, String code) {
        for (int p = 0; p < parts.size(); p++) {
            if (!(parts.get(p) instanceof JsonObject part) || part.string("type").isEmpty()) {
                String partAt = at + "[" + p + "]";
                throw ApiError.invalidRequest(code, partAt, partAt + " must be a content part: an object with a string 'type'.");
            }
        }
    }
}
