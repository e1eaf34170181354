package gateway.access;

import gateway.http.ApiError;
import gateway.http.Router.Handler;
import java.util.Objects;

/**
 * Who may call, and how often: wraps a route's handler so that, before the body is
 * read, the caller is identified by API key (401 otherwise) and let in by the rate
 * limiter (429 otherwise), and after it ends its token usage is charged. Limits apply
 * per key, or per client address when no keys are set.
 */
public final class Access {
    private final ApiKeys keys;
    private final RateLimiter limiter;

    /** @param limiter {@code null} when no limit is set */
    public Access(ApiKeys keys, RateLimiter limiter) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.limiter = limiter;
    }

    /**
     * The admin API's guard: when no admin key is set the route does not exist (404, so that
     * nobody learns of it), else it needs that key, as an API key is sent (401).
     */
    public static Handler adminOnly(ApiKeys adminKey, Handler next) {
        return exchange -> {
            if (adminKey.isEmpty()) {
                throw ApiError.notFound(exchange.method(), exchange.path());
            }
            // Its answers may hold a key's secret: no cache may keep them.
            exchange.responseHeader("Cache-Control", "no-store");
            exchange.facts().caller(adminKey.authenticate(exchange::header));
            next.handle(exchange);
        };
    }

    public Handler guard(Handler next) {
        return exchange -> {
            String caller = keys.isEmpty() ? null : keys.authenticate(exchange::header);
            exchange.facts().caller(caller);
            if (limiter == null) {
                next.handle(exchange);
                return;
            }
            String limited = caller != null ? "key:" + caller : "address:" + exchange.clientAddress();
            limiter.admit(limited).forEach(exchange::responseHeader);
            try {
                next.handle(exchange);
            } finally {
                limiter.charge(limited, exchange.facts().tokensUsed());
            }
        };
    }
}
