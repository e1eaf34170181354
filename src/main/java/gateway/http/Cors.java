package gateway.http;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cross-origin access for browser clients ({@code CORS_ALLOW_ORIGINS}). Off by default:
 * a browser page on another origin then cannot call the gateway, while curl and the SDKs,
 * which are not browsers, are not concerned. When on, answers to an allowed
 * {@code Origin} say so, and preflight requests are answered before any key check,
 * because browsers send them without credentials.
 */
public final class Cors {
    /** How long a browser may reuse a preflight's answer; Chrome caps it at 2 hours. */
    static final String MAX_AGE_SECONDS = "600";

    /**
     * Headers a page may read besides the safelisted ones: the SDKs read the request id
     * to report it, and the retry headers to back off.
     */
    static final String EXPOSED_HEADERS = "X-Request-ID, traceresponse, X-Gateway-Overhead-Ms, X-Gateway-Backend, " + String.join(", ", ApiError.RETRY_HEADERS);

    /** A comma-separated list of header names (RFC 9110 tokens), as a preflight asks for them. */
    private static final Pattern HEADER_LIST = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+(\\s*,\\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*");

    /** CORS off: no answer carries CORS headers, and preflights get 405 like any other OPTIONS. */
    private static final Cors OFF = new Cors(Set.of(), false);

    private final Set<String> origins;
    private final boolean anyOrigin;

    private Cors(Set<String> origins, boolean anyOrigin) {
        this.origins = origins;
        this.anyOrigin = anyOrigin;
    }

    /**
     * Parses {@code CORS_ALLOW_ORIGINS}: empty for off, {@code *} for any origin, or
     * origins such as {@code https://app.example.com,http://localhost:5173}.
     *
     * @throws IllegalArgumentException naming an entry that is not an origin
     */
    public static Cors parse(String list) {
        var origins = new LinkedHashSet<String>();
        for (String entry : list.split(",")) {
            if (!entry.isBlank()) {
                origins.add(entry.strip().equals("*") ? "*" : origin(entry.strip()));
            }
        }
        if (origins.isEmpty()) {
            return OFF;
        }
        if (origins.contains("*") && origins.size() > 1) {
            throw new IllegalArgumentException("* allows every origin and cannot be combined with others");
        }
        return new Cors(Set.copyOf(origins), origins.contains("*"));
    }

    /** An origin as browsers send it: lower-case scheme and host, a port only when given, no path. */
    private static String origin(String entry) {
        try {
            URI uri = new URI(entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (http && uri.getHost() != null && uri.getRawPath().isEmpty() && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                return (uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()))
                        .toLowerCase(Locale.ROOT);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException(entry + " is not an origin such as https://app.example.com or http://localhost:5173");
    }

    public boolean enabled() {
        return anyOrigin || !origins.isEmpty();
    }

    /** The setting as {@code gateway.env} would hold it. */
    @Override
    public String toString() {
        return anyOrigin ? "*" : String.join(",", origins.stream().sorted().toList());
    }

    /**
     * Marks the answer for the request's origin, before anything else is sent, so that
     * errors such as 401 and 429 are readable by the page too.
     */
    void addHeaders(Exchange exchange) {
        if (!enabled()) {
            return;
        }
        if (!anyOrigin) {
            // The answer depends on Origin: a shared cache must not serve it to another one.
            exchange.responseHeader("Vary", "Origin");
        }
        String origin = exchange.header("Origin");
        if (allows(origin)) {
            exchange.responseHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
            exchange.responseHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
    }

    /** True for a browser's preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) when CORS is on. */
    boolean isPreflight(Exchange exchange) {
        return enabled() && "OPTIONS".equals(exchange.method()) && exchange.header("Access-Control-Request-Method") != null;
    }

    /**
     * Answers a preflight for a route that takes {@code methods}: 204 with what the
     * browser may send, or 403 for an origin that is not allowed.
     */
    void answerPreflight(Exchange exchange, String methods) throws IOException {
        if (!allows(exchange.header("Origin"))) {
            throw ApiError.originNotAllowed(exchange.header("Origin"));
        }
        exchange.responseHeader("Access-Control-Allow-Methods", methods);
        String requested = exchange.header("Access-Control-Request-Headers");
        // Echoed (when well-formed) rather than listed: the SDKs send headers of their own,
        // such as x-stainless-*, and "*" would not cover Authorization.
        if (requested != null && HEADER_LIST.matcher(requested.strip()).matches()) {
            exchange.responseHeader("Access-Control-Allow-Headers", requested.strip());
        }
        exchange.responseHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
        exchange.respondEmpty(204);
    }

    private boolean allows(String origin) {
        return origin != null && (anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT)));
    }
}
