package gateway.web;

import gateway.http.ApiError;
import gateway.http.Exchange;
import gateway.http.Router.Handler;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the web pages from memory: gzipped when the browser accepts it (plain
 * otherwise), revalidated with {@code ETag} and {@code 304 Not Modified}, and always with
 * headers that let a page do nothing but what its own files say (see {@link #secure}).
 * A file is read, digested and gzipped when it is first asked for, then kept: the start does
 * not pay for pages it may never serve.
 */
public final class WebPages {
    /**
     * Only the gateway's own files run or load, and only the gateway is called: no inline
     * script or style, no {@code eval}, no other origin, no framing. Trusted Types make
     * {@code innerHTML} and its kin throw, so model output cannot become markup even by
     * mistake; with no policy allowed, no script can opt out.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "connect-src 'self'", "font-src 'self'", "manifest-src 'self'", "base-uri 'none'", "form-action 'self'",
            "frame-ancestors 'none'", "require-trusted-types-for 'script'", "trusted-types 'none'");

    /** Every file there is, by its path under {@code web/}: which may be asked for. */
    private final Set<String> names;
    /** The files asked for so far, each read once. */
    private final Map<String, Asset> loaded = new ConcurrentHashMap<>();

    private WebPages(Set<String> names) {
        this.names = names;
    }

    /** Finds the pages on the class path; each is read when first served. */
    public static WebPages load() {
        return new WebPages(WebAssets.names());
    }

    /** A route answering with one file, such as {@code index.html}; it must exist. */
    public Handler file(String name) {
        required(name);
        return exchange -> serve(exchange, find(name));
    }

    /**
     * A route answering 404 with a page that tells a person why, such as the console while
     * it is off: the status still says "not here" to anything that is not a person.
     */
    public Handler notFoundPage(String name) {
        required(name);
        return exchange -> {
            Asset asset = find(name);
            secure(exchange);
            exchange.responseHeader("Cache-Control", "no-cache");
            exchange.respond(404, asset.contentType(), asset.plain());
        };
    }

    private void required(String name) {
        if (!names.contains(name)) {
            throw new IllegalStateException("the web page " + name + " is missing from the jar");
        }
    }

    /** The file of this name, read on its first request and kept; {@code null} when there is none. */
    Asset find(String name) {
        if (!names.contains(name)) {
            return null; // never looked up: a request's path names no file outside the list
        }
        return loaded.computeIfAbsent(name, file -> Asset.of(file, WebAssets.read(file)));
    }

    /** {@code GET /ui/{file}}: the pages' scripts, styles and images. */
    public void asset(Exchange exchange) throws IOException {
        Asset asset = find("ui/" + exchange.pathParameter("file"));
        if (asset == null) {
            secure(exchange); // an error on a page's behalf is locked down as the page is
            throw ApiError.notFound(exchange.method(), exchange.path());
        }
        serve(exchange, asset);
    }

    /** All the files' bytes, uncompressed: the pages' whole weight (reads every file not read yet). */
    public long totalBytes() {
        return names.stream().mapToLong(name -> find(name).plain().length).sum();
    }

    private static void serve(Exchange exchange, Asset asset) throws IOException {
        secure(exchange);
        // Always revalidated (a 304 costs a round trip, not the bytes), so a new jar's pages are seen at once.
        exchange.responseHeader("Cache-Control", "no-cache");
        exchange.responseHeader("Vary", "Accept-Encoding");
        boolean gzip = asset.gzipped() != null && acceptsGzip(exchange.header("Accept-Encoding"));
        String tag = gzip ? asset.gzipTag() : asset.plainTag();
        exchange.responseHeader("ETag", tag);
        if (matches(exchange.header("If-None-Match"), tag)) {
            exchange.respond(304, asset.contentType(), (byte[]) null);
            return;
        }
        if (gzip) {
            exchange.responseHeader("Content-Encoding", "gzip");
        }
        exchange.respond(200, asset.contentType(), gzip ? asset.gzipped() : asset.plain());
    }

    /** The headers every page answer carries, errors included. */
    private static void secure(Exchange exchange) {
        exchange.responseHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        exchange.responseHeader("X-Frame-Options", "DENY"); // frame-ancestors, for browsers without CSP 2
        exchange.responseHeader("X-Content-Type-Options", "nosniff");
        exchange.responseHeader("Referrer-Policy", "no-referrer");
        exchange.responseHeader("Cross-Origin-Opener-Policy", "same-origin");
    }

    /** Whether {@code Accept-Encoding} allows gzip: named (or {@code *}) without {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].strip();
            if (name.equals("gzip") || name.equals("x-gzip") || name.equals("*")) {
                return parts.length < 2 || !parts[1].strip().matches("q\\s*=\\s*0(\\.0*)?");
            }
        }
        return false;
    }

    /** {@code If-None-Match} compares weakly: {@code W/"x"} matches {@code "x"}, and {@code *} anything. */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.strip();
            if (value.equals("*") || value.replaceFirst("^W/", "").equals(tag)) {
                return true;
            }
        }
        return false;
    }
}
