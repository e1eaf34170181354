package gateway.admin;

import gateway.http.ApiError;
import gateway.http.Exchange;
import gateway.json.Json;
import gateway.json.JsonException;
import gateway.json.JsonObject;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Reading the admin API's requests: a small JSON body with known members, and query parameters. */
final class AdminRequests {
    /** An admin request is a name and a few limits: 64 KiB is plenty. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private AdminRequests() {
    }

    /**
     * The body as a JSON object holding only members of {@code allowed}.
     *
     * @throws ApiError 400 {@code invalid_json}, or {@code unknown_parameter} naming the member
     */
    static JsonObject body(Exchange exchange, Set<String> allowed) throws IOException {
        JsonObject body;
        try {
            body = Json.parse(exchange.readBody(MAX_BODY_BYTES)) instanceof JsonObject o ? o : null;
        } catch (JsonException e) {
            throw ApiError.invalidRequest("invalid_json", null, "The request body is not valid JSON: " + e.getMessage() + ".");
        }
        if (body == null) {
            throw ApiError.invalidRequest("invalid_request", null, "The request body must be a JSON object.");
        }
        for (String name : body.members().keySet()) {
            if (!allowed.contains(name)) {
                throw ApiError.invalidRequest("unknown_parameter", name,
                        "Unknown parameter '" + name + "'. Expected: " + String.join(", ", allowed.stream().sorted().toList()) + ".");
            }
        }
        return body;
    }

    /** The query's parameters, decoded; the first of a repeated one wins. */
    static Map<String, String> query(Exchange exchange) {
        var parameters = new HashMap<String, String>();
        String query = exchange.query();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            parameters.putIfAbsent(name, equals < 0 ? "" : decode(pair.substring(equals + 1)));
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidRequest("invalid_query", null, "The query string is not valid URL encoding.");
        }
    }

    static ApiError keyNotFound(String id) {
        return keyNotFound(id, "id");
    }

    /** @param param where the request named the key: the path's {@code id}, or the query's {@code key} */
    static ApiError keyNotFound(String id, String param) {
        return new ApiError(404, "invalid_request_error", "key_not_found", param, "No API key has the id '" + id + "'.");
    }
}
