package gateway;

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

    static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
