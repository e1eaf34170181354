package gateway.browser;

import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.net.URI;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Something a page did that a test of it should fail on: an uncaught exception, a console
 * error, an error the browser logged (CSP and Trusted Types violations among them, source
 * {@code security}; a failed load, source {@code network}), or a request that left the page's
 * own origin (a CDN, a tracker, an injected image).
 */
public record Problem(Kind kind, String text) {
    public enum Kind {
        /** {@code Runtime.exceptionThrown}: an exception nothing caught. */
        EXCEPTION,
        /** {@code Runtime.consoleAPICalled} of type error or assert. */
        CONSOLE_ERROR,
        /** {@code Log.entryAdded} at level error: CSP, Trusted Types, network failures, interventions. */
        BROWSER_ERROR,
        /** {@code Network.requestWillBeSent} for a URL outside the page's origin (data: and about: are fine). */
        FOREIGN_REQUEST
    }

    @Override
    public String toString() {
        return kind + ": " + text;
    }

    /** The problem {@code event} reports, if it is one; {@code origin} is the page's own ({@code http://host:port}). */
    static Optional<Problem> of(Cdp.Event event, String origin) {
        JsonObject params = event.params();
        return switch (event.method()) {
            case "Runtime.exceptionThrown" -> Optional.of(exception(params.object("exceptionDetails").orElseThrow()));
            case "Runtime.consoleAPICalled" -> params.string("type").filter(type -> type.equals("error") || type.equals("assert"))
                    .map(type -> new Problem(Kind.CONSOLE_ERROR, "console." + type + "(" + arguments(params) + ")"));
            case "Log.entryAdded" -> params.object("entry").filter(entry -> entry.string("level").orElse("").equals("error"))
                    .map(entry -> new Problem(Kind.BROWSER_ERROR, entry.string("source").orElse("?") + ": "
                            + entry.string("text").orElse("") + entry.string("url").map(url -> " (" + url + ")").orElse("")));
            case "Network.requestWillBeSent" -> params.object("request").filter(request -> isForeign(request.string("url").orElse(""), origin))
                    .map(request -> new Problem(Kind.FOREIGN_REQUEST, request.string("method").orElse("GET") + " "
                            + request.string("url").orElse("") + " from a page on " + origin));
            default -> Optional.empty();
        };
    }

    /** "TypeError: … at http://host/ui/x.js:12". */
    private static Problem exception(JsonObject details) {
        String where = details.string("url").map(url -> " at " + url + ":"
                + (details.longValue("lineNumber").orElse(-1L) + 1)).orElse("");
        return new Problem(Kind.EXCEPTION, thrown(details) + where);
    }

    /**
     * What a script threw, from CDP's exceptionDetails: an Error's description (with its stack),
     * else the value thrown ({@code throw "x"}), else the bare text ("Uncaught").
     */
    static String thrown(JsonObject details) {
        return details.object("exception").flatMap(exception -> exception.string("description")
                .or(() -> Optional.ofNullable(exception.get("value")).map(JsonValue::toJson)))
                .or(() -> details.string("text")).orElse("exception");
    }

    /** The console call's arguments as the console would print them. */
    private static String arguments(JsonObject params) {
        return params.array("args").map(args -> args.values().stream().map(Problem::describe)
                .collect(Collectors.joining(", "))).orElse("");
    }

    /** A RemoteObject as text: its primitive value, else the description DevTools shows. */
    private static String describe(JsonValue value) {
        JsonObject remote = (JsonObject) value;
        return remote.has("value") ? remote.get("value").toJson() : remote.string("description").orElse("undefined");
    }

    /** True for a URL the page should not reach: not data:, not about:, not blob: or a URL of its own origin. */
    static boolean isForeign(String url, String origin) {
        if (url.startsWith("data:") || url.startsWith("about:")) {
            return false;
        }
        String target = url.startsWith("blob:") ? url.substring("blob:".length()) : url;
        return !originOf(target).equals(origin);
    }

    /** {@code scheme://host:port} with the port spelled out, so that http://a/ and http://a:80/ agree. */
    static String originOf(String url) {
        try {
            URI uri = URI.create(url);
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            return uri.getScheme() + "://" + uri.getHost() + ":" + port;
        } catch (IllegalArgumentException e) {
            return "(unparsable URL)";
        }
    }
}
