package gateway.config;

import gateway.http.Cors;
import java.time.Duration;
import java.util.SequencedMap;

/**
 * Where the gateway listens and how it treats connections.
 *
 * @param host               the address to listen on ({@code HOST})
 * @param port               the port to listen on; 0 picks a free one ({@code PORT})
 * @param requestReadTimeout how long a client may take to send a whole request
 * @param idleTimeout        how long a keep-alive connection may wait for its next request
 * @param shutdownGrace      how long requests in flight may finish at shutdown
 * @param cors               the origins whose pages may call the gateway; off by default
 * @param uiEnabled          whether the web pages (playground, console, docs) are served
 */
public record ServerSettings(String host, int port, Duration requestReadTimeout, Duration idleTimeout,
        Duration shutdownGrace, Cors cors, boolean uiEnabled) {

    static void defaults(SequencedMap<String, String> defaults) {
        defaults.put("HOST", "127.0.0.1");
        defaults.put("PORT", "8080");
        // A client that trickles its request (slowloris) is cut off after this; answers are never timed.
        defaults.put("REQUEST_READ_TIMEOUT_SECONDS", "30");
        // Longer than the SDKs keep an unused connection (httpx: 5 s), so the gateway never
        // closes one just as a client reuses it; the JDK's own default.
        defaults.put("IDLE_TIMEOUT_SECONDS", "30");
        defaults.put("SHUTDOWN_GRACE_SECONDS", "10");
        defaults.put("CORS_ALLOW_ORIGINS", "");
        defaults.put("UI_ENABLED", "true");
    }

    static ServerSettings read(SettingValues v) {
        return new ServerSettings(
                v.nonEmpty("HOST"),
                v.integer("PORT", 0, 65_535),
                v.seconds("REQUEST_READ_TIMEOUT_SECONDS", 1, 3_600),
                v.seconds("IDLE_TIMEOUT_SECONDS", 1, 3_600),
                v.seconds("SHUTDOWN_GRACE_SECONDS", 0, 3_600),
                v.parsed("CORS_ALLOW_ORIGINS", Cors::parse),
                v.flag("UI_ENABLED"));
    }

    void effective(SequencedMap<String, String> values) {
        values.put("HOST", host);
        values.put("PORT", Integer.toString(port));
        values.put("REQUEST_READ_TIMEOUT_SECONDS", Long.toString(requestReadTimeout.toSeconds()));
        values.put("IDLE_TIMEOUT_SECONDS", Long.toString(idleTimeout.toSeconds()));
        values.put("SHUTDOWN_GRACE_SECONDS", Long.toString(shutdownGrace.toSeconds()));
        values.put("CORS_ALLOW_ORIGINS", cors.toString());
        values.put("UI_ENABLED", Boolean.toString(uiEnabled));
    }

    ServerSettings withPort(int port) {
        return new ServerSettings(host, port, requestReadTimeout, idleTimeout, shutdownGrace, cors, uiEnabled);
    }
}
