import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The processes one benchmark run starts (mock backend, nginx, gateways): each writes its
 * output to a file in the run's folder, and all are stopped when the run ends, also on
 * Ctrl-C or a failure half-way.
 */
final class Services implements AutoCloseable {

    /** A started process listening on {@code port}. CPU and memory include its child processes (nginx's workers). */
    record Service(String name, Process process, int port, Duration startup) {
        Duration cpu() {
            return processes().map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
                    .reduce(Duration.ZERO, Duration::plus);
        }

        /** Resident memory now, in KiB, read from {@code /proc}. */
        long rssKiB() {
            return processes().mapToLong(p -> statusField(p.pid(), "VmRSS:")).sum();
        }

        /** Platform threads now (virtual ones are not threads of the OS), from {@code /proc}. */
        long threads() {
            return statusField(process.pid(), "Threads:");
        }

        /** Open file descriptors now: sockets, the log, the jar. */
        long openFiles() {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
                return fds.count();
            } catch (IOException e) {
                return 0; // the process has just ended
            }
        }

        /**
         * The bytes of live objects, from the total line of {@code jcmd PID GC.class_histogram},
         * which runs a full collection first: the heap after GC. {@code java} is the JDK's java,
         * beside which jcmd lives.
         */
        long liveHeapBytes(String java) throws IOException, InterruptedException {
            Path jcmd = Path.of(java).resolveSibling("jcmd");
            Process jcmdProcess = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            List<String> lines = new String(jcmdProcess.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().toList();
            jcmdProcess.waitFor();
            String[] total = lines.getLast().trim().split("\\s+"); // "Total <instances> <bytes>"
            if (!total[0].equals("Total")) {
                throw new IllegalStateException("jcmd GC.class_histogram: " + lines.getLast());
            }
            return Long.parseLong(total[2]);
        }

        private Stream<ProcessHandle> processes() {
            return Stream.concat(Stream.of(process.toHandle()), process.descendants());
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path folder;
    private final List<Service> running = new ArrayList<>();
    private final Thread stopOnExit = new Thread(this::stopAll);

    Services(Path folder) {
        this.folder = folder;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** A port that was free a moment ago. */
    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts {@code command} and waits until it is ready: until {@code GET healthPath}
     * answers 200, or when {@code healthPath} is {@code null}, until {@code port} accepts
     * connections. {@link Service#startup()} is how long that took.
     */
    Service start(String name, int port, String healthPath, List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(folder.resolve(name + ".out").toFile());
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process process = builder.start();
        var service = new Service(name, process, port, Duration.ZERO);
        synchronized (running) {
            running.add(service);
        }
        while (healthPath == null ? !accepts(port) : !answers200(port, healthPath)) {
            if (!process.isAlive() || System.nanoTime() - started > START_TIMEOUT.toNanos()) {
                throw new IOException(name + " did not start; its output:\n" + tail(name));
            }
            Thread.sleep(5);
        }
        return new Service(name, process, port, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Stops one service (SIGTERM, then SIGKILL after 10 s). */
    void stop(Service service) {
        synchronized (running) {
            running.removeIf(s -> s.process() == service.process());
        }
        terminate(service.process());
    }

    /** Stops several services, all asked at once, so that their shutdowns overlap. */
    void stop(Collection<Service> services) {
        services.forEach(service -> service.process().destroy());
        services.forEach(this::stop);
    }

    @Override
    public void close() {
        stopAll();
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }

    private void stopAll() {
        synchronized (running) {
            // All are asked at once: a gateway may take seconds to finish (an OTLP export to a
            // collector that never answers waits out its timeout), and they need not take turns.
            running.forEach(s -> s.process().destroy());
            running.forEach(s -> terminate(s.process()));
            running.clear();
        }
    }

    private static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answers200(int port, String path) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(12);
            return new String(head, java.nio.charset.StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    private String tail(String name) throws IOException {
        List<String> lines = Files.readAllLines(folder.resolve(name + ".out"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static long statusField(long pid, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith(field))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(0);
        } catch (IOException | RuntimeException e) {
            return 0; // the process has just ended
        }
    }
}
