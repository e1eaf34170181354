package gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Counts what this JVM holds, for tests that show nothing is left behind: live threads
 * (virtual ones included, which {@code Thread.getAllStackTraces} leaves out) and open TCP
 * connections by port (Linux).
 */
final class LiveResources {
    /** TCP states in which a process still holds a connection: ESTABLISHED and CLOSE_WAIT (the peer has left). */
    static final Set<String> HELD = Set.of("01", "08");
    static final String CLOSE_WAIT = "08";

    private LiveResources() {
    }

    /** Live threads, platform and virtual, from the JVM's thread dump in JSON. */
    static int threads() {
        try {
            Path dump = Files.createTempFile("threads", ".json");
            Files.delete(dump); // the dump refuses to overwrite
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                JsonObject root = (JsonObject) Json.parse(Files.readString(dump));
                JsonArray containers = (JsonArray) ((JsonObject) root.get("threadDump")).get("threadContainers");
                int threads = 0;
                for (JsonValue container : containers.values()) {
                    threads += ((JsonArray) ((JsonObject) container).get("threads")).values().size();
                }
                return threads;
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connections of this machine whose local port is {@code port}, in one of {@code states}. */
    static long connectionsFrom(int port, Set<String> states) {
        return tcpTable().stream().filter(row -> port(row[1]) == port && states.contains(row[3])).count();
    }

    /** Connections of this machine whose remote port is {@code port}, in one of {@code states}. */
    static long connectionsTo(int port, Set<String> states) {
        return tcpTable().stream().filter(row -> port(row[2]) == port && states.contains(row[3])).count();
    }

    /** The local ports listened on (state LISTEN) in this machine's network namespace. */
    static Set<Integer> listening() {
        return tcpTable().stream().filter(row -> row[3].equals("0A")).map(row -> port(row[1]))
                .collect(java.util.stream.Collectors.toSet());
    }

    /** The rows of /proc/net/tcp and tcp6: index 1 local address, 2 remote address, 3 state (hex). */
    private static List<String[]> tcpTable() {
        try {
            var rows = new java.util.ArrayList<String[]>();
            for (String file : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
                Path path = Path.of(file);
                if (Files.exists(path)) {
                    Files.readAllLines(path).stream().skip(1).map(line -> line.strip().split("\\s+")).forEach(rows::add);
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
