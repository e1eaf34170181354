package gateway;

import gateway.config.ServerSettings;

/**
 * The JDK's HTTP server and client read some of their tunables from system properties, once
 * per JVM, when the first server or client is made: the gateway sets its own values before
 * then, unless the command line gave them ({@code -Dname=value} wins).
 */
final class JdkProperties {
    private JdkProperties() {
    }

    /** The values that do not depend on the settings; the gateway sets them as its class loads. */
    static void setDefaults() {
        // Small SSE frames must leave at once: without TCP_NODELAY, Nagle's algorithm can
        // hold a frame back until the client acknowledges the previous one.
        setUnlessGiven("sun.net.httpserver.nodelay", "true");
        // HttpClient reads each backend connection into buffers of this size, and an open
        // stream keeps one alive while its next frame is awaited: the default 16 KiB was
        // most of the heap at thousands of streams. SSE frames are a few hundred bytes.
        setUnlessGiven("jdk.httpclient.bufsize", "4096");
    }

    /**
     * The connection timeouts of the settings (REQUEST_READ_TIMEOUT_SECONDS,
     * IDLE_TIMEOUT_SECONDS): the JDK server reads them when the JVM's first HTTP server
     * starts, so the first gateway of a JVM sets them for all.
     */
    static void setTimeouts(ServerSettings server) {
        // It times a request from its first byte to the end of its body, and closes the
        // connection of one that takes longer: a slowloris client holds a connection (and
        // a virtual thread) that long at most. The response time is never limited, or
        // streams would be.
        setUnlessGiven("sun.net.httpserver.maxReqTime", Long.toString(server.requestReadTimeout().toSeconds()));
        // A keep-alive connection unused this long is closed, and so is a new one that sends
        // nothing. The check runs every clockTick: the JDK's 10 s would make 5 s up to 15.
        setUnlessGiven("sun.net.httpserver.idleInterval", Long.toString(server.idleTimeout().toSeconds()));
        setUnlessGiven("sun.net.httpserver.clockTick", "1000");
    }

    private static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
