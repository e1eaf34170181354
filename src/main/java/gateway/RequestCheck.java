package gateway;

import gateway.http.ApiError;
import gateway.openai.ModelRequest;

/**
 * A check of one's own on every model request (chat, text completion, embedding, response),
 * given to {@code Gateway.builder().check(check)}: it refuses a request by throwing an
 * {@link ApiError}, which the client receives in OpenAI's error shape with its status.
 *
 * <pre>{@code
 * RequestCheck noSecrets = (request, client) -> {
 *     if (request.prompt().contains("password")) {
 *         throw ApiError.invalidRequest("banned_word", "messages", "Do not send passwords.");
 *     }
 * };
 * }</pre>
 *
 * <p>It runs after the gateway's own checks (the key, its limits and budget, the body's size
 * and shape, the model the key may use) and before any worker or backend is asked, so a
 * refused request costs no backend anything; it is logged and counted like any other
 * failure, with its status and {@code error.code}. Any other exception it throws is a bug:
 * the client gets 500 and the log gets the stack trace.
 *
 * <p>Threading: called from many request threads at once, so a check must be thread-safe.
 */
@FunctionalInterface
public interface RequestCheck {

    /**
     * Checks one request, returning normally to let it through.
     *
     * @param request the request, already parsed and checked by the gateway; its
     *                {@link ModelRequest#operation()} tells which route it came by
     * @param client  who sends it
     * @throws ApiError to refuse it, with the status and error the client should see
     */
    void check(ModelRequest request, Client client);

    /**
     * Who sends a request.
     *
     * @param key     the name of the API key it came with ({@code alice} for
     *                {@code API_KEYS=alice:sk-…}, or a key store key's name), or null when the
     *                gateway asks for no key
     * @param address the client's IP address, as the gateway sees it
     */
    record Client(String key, String address) {}
}
