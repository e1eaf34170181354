package gateway.access;

import gateway.http.ApiError;
import gateway.http.Exchange;
import gateway.http.Router.Handler;
import gateway.keys.KeyPolicy;
import gateway.keys.UsageBook;
import java.io.IOException;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Who may call, and how much: wraps a route's handler so that, before the body is read,
 * the caller is identified by API key (401 otherwise), held to its key's budgets and
 * requests at once, and let in by the rate limiter (429 otherwise); after it ends, its
 * tokens are charged and its usage counted. Limits apply per key, or per client address
 * when the gateway is open.
 */
public final class Access {
    private final Callers callers;
    private final RateLimiter limiter;
    private final Budgets budgets;
    private final KeyConcurrency concurrency = new KeyConcurrency();
    private final UsageBook usage;
    private final LongSupplier epochSeconds;

    /** @param limiter holds the default limits; a key's policy may set its own */
    public Access(Callers callers, RateLimiter limiter, UsageBook usage, LongSupplier epochSeconds) {
        this.callers = Objects.requireNonNull(callers, "callers");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.usage = Objects.requireNonNull(usage, "usage");
        this.epochSeconds = epochSeconds;
        this.budgets = new Budgets(usage);
    }

    /**
     * The admin API's guard: its key, as a bearer token only (401 otherwise). No other form
     * is taken for it, so that nothing but a script that sets the header on purpose (never
     * a browser on its own, as with cookies) can use it.
     */
    public static Handler adminOnly(ApiKeys adminKey, Handler next) {
        return exchange -> {
            // Its answers may hold a key's secret: no cache may keep them.
            exchange.responseHeader("Cache-Control", "no-store");
            String authorization = exchange.header("Authorization");
            if (authorization == null || !authorization.strip().regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw ApiKeys.unauthorized("missing_api_key", "The admin API needs its key as 'Authorization: Bearer <ADMIN_API_KEY>'.");
            }
            exchange.facts().caller(adminKey.authenticate(exchange::header));
            next.handle(exchange);
        };
    }

    /** Only who calls, for routes that cost nothing to count: the key must be valid, and its models are the ones it may use. */
    public Handler identify(Handler next) {
        return exchange -> {
            if (!callers.open()) {
                identify(exchange);
            }
            next.handle(exchange);
        };
    }

    /** Everything: identity, budgets, requests at once, rates, then usage counted. */
    public Handler guard(Handler next) {
        return exchange -> {
            if (callers.open()) {
                if (!limiter.defaults().any()) {
                    next.handle(exchange); // nobody to tell apart, nothing to count
                    return;
                }
                String address = "address:" + exchange.clientAddress();
                limiter.admit(address).forEach(exchange::responseHeader);
                try {
                    next.handle(exchange);
                } finally {
                    limiter.charge(address, exchange.facts().tokensUsed());
                }
                return;
            }
            Caller caller = identify(exchange);
            boolean failed = true;
            try {
                budgets.check(caller, epochSeconds.getAsLong());
                try (var slot = concurrency.enter(caller)) {
                    limiter.admit(caller.id(), rateLimits(caller.policy())).forEach(exchange::responseHeader);
                    try {
                        next.handle(exchange);
                        failed = false;
                    } catch (IOException clientLeft) {
                        failed = false; // the client's choice, not a failure of the request
                        throw clientLeft;
                    } finally {
                        limiter.charge(caller.id(), exchange.facts().tokensUsed());
                    }
                }
            } finally {
                var facts = exchange.facts();
                usage.record(caller.id(), failed, facts.promptTokens(), facts.completionTokens(),
                        facts.cachedTokens(), epochSeconds.getAsLong());
            }
        };
    }

    /**
     * Whether the caller's key may ask for {@code model}.
     *
     * @throws ApiError 403 {@code model_not_allowed}
     */
    public static void checkModel(Exchange exchange, String model) {
        if (!exchange.facts().mayUse(model)) {
            throw new ApiError(403, "permission_error", "model_not_allowed", "model", model == null
                    ? "This API key may use only some models: name one in 'model' (GET /v1/models lists them)."
                    : "This API key may not use the model '" + model + "'. Pick one that GET /v1/models lists, or ask the gateway's administrator.");
        }
    }

    private Caller identify(Exchange exchange) {
        Caller caller = callers.identify(exchange::header);
        exchange.facts().caller(caller.name());
        if (caller.policy().models() != null) {
            exchange.facts().allowModels(caller.policy()::allows);
        }
        return caller;
    }

    /** The key's own rates where it has them, the gateway's default ones where not. */
    private RateLimiter.Limits rateLimits(KeyPolicy policy) {
        var defaults = limiter.defaults();
        if (policy.requestsPerMinute() == null && policy.tokensPerMinute() == null) {
            return defaults;
        }
        int rpm = policy.requestsPerMinute() == null ? defaults.requestsPerMinute() : clamp(policy.requestsPerMinute());
        int burst = policy.requestsPerMinute() == null ? defaults.burst() : rpm; // a key's own rate: a minute's worth at once
        int tpm = policy.tokensPerMinute() == null ? defaults.tokensPerMinute() : clamp(policy.tokensPerMinute());
        return new RateLimiter.Limits(rpm, burst, tpm);
    }

    private static int clamp(long value) {
        return (int) Math.min(value, Integer.MAX_VALUE);
    }
}
