package gateway.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the DevTools protocol: one process, one temporary profile,
 * one WebSocket. {@link #launch()} starts it, {@link #newPage()} opens a tab, {@link #close()}
 * shuts it down and deletes the profile.
 *
 * <pre>{@code
 * try (var browser = Browser.launch(); var page = browser.newPage()) {
 *     page.navigate("http://127.0.0.1:8080/");
 *     assertEquals("Playground", page.evalString("document.title"));
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {
    /** Debian's package puts its launcher here; {@code CHROMIUM} names another binary. */
    static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/chromium");
    /** Chromium writes its endpoint after about a second; a cold CI machine may take several. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** How often to look for the endpoint file while Chromium starts (a file, not the page: polling is fine). */
    static final Duration START_POLL = Duration.ofMillis(20);
    /** How long {@code Browser.close} may take before the process is killed. */
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final Path home;
    private final Cdp cdp;

    private Browser(Process process, Path home, Cdp cdp) {
        this.process = process;
        this.home = home;
        this.cdp = cdp;
    }

    /** The Chromium binary: {@code $CHROMIUM} when set, else {@code /usr/bin/chromium}. */
    public static Path executable() {
        String configured = System.getenv("CHROMIUM");
        return configured == null || configured.isBlank() ? DEFAULT_EXECUTABLE : Path.of(configured);
    }

    /** Starts a headless Chromium with a fresh profile and connects to it. */
    public static Browser launch() {
        Path home;
        try {
            home = Files.createTempDirectory("gateway-browser-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path profile = home.resolve("profile");
        Path log = home.resolve("chromium.log");
        Process process = null;
        HttpClient client = null;
        try {
            // Output goes to a file so that Chromium never blocks on a full pipe nobody reads.
            process = new ProcessBuilder(command(profile)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // A JDK HttpClient takes most of a second to make (its TLS setup): make it while Chromium starts.
            client = HttpClient.newHttpClient();
            return new Browser(process, home, new Cdp(client, awaitEndpoint(process, profile)));
        } catch (IOException | RuntimeException e) {
            if (client != null) {
                client.close();
            }
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            String output = tail(log);
            deleteTree(home);
            throw new BrowserException("cannot start " + executable() + ": " + e.getMessage() + output, e);
        }
    }

    /**
     * The command line. Port 0 lets Chromium pick a free port and report it in DevToolsActivePort.
     * The background and sync switches stop it calling Google hosts, which a closed CI network
     * refuses slowly; --no-sandbox because CI runs as root, where the sandbox will not start.
     */
    private static List<String> command(Path profile) {
        return List.of(executable().toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--mute-audio", "about:blank");
    }

    /** Opens a new tab at about:blank; close it when done (the browser closes any left open). */
    public Page newPage() {
        String targetId = cdp.call("Target.createTarget", Cdp.params("url", "about:blank"), null).string("targetId").orElseThrow();
        // flatten: the tab's messages travel on this same socket, tagged with a session id.
        String sessionId = cdp.call("Target.attachToTarget", Cdp.params("targetId", targetId, "flatten", true), null)
                .string("sessionId").orElseThrow();
        return new Page(cdp, targetId, sessionId);
    }

    /** Asks Chromium to quit, kills what is left after {@link #EXIT_TIMEOUT}, and deletes the profile. */
    @Override
    public void close() {
        // Helpers (zygotes, renderers, the network service) are found while they are still ours.
        List<ProcessHandle> helpers = process.descendants().toList();
        try {
            Cdp.await(cdp.send("Browser.close", Cdp.params(), null), "Browser.close", EXIT_TIMEOUT);
        } catch (BrowserException e) {
            // Chromium may drop the connection before it answers; the exit below is what counts.
        }
        cdp.close();
        awaitExit();
        // They exit with the browser, but orphaned ones stay zombies, which ProcessHandle calls
        // alive, until whatever adopted them reaps them (seconds, in a container): kill any
        // still running, do not wait.
        helpers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        deleteTree(home);
    }

    /** Reads {@code <profile>/DevToolsActivePort}: the port on line one, the browser's path on line two. */
    private static URI awaitEndpoint(Process process, Path profile) throws IOException {
        Path portFile = profile.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("it exited with status " + process.exitValue());
            }
            // Chromium may be half way through writing the file: wait for both lines.
            List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
            if (lines.size() >= 2 && !lines.get(1).isBlank()) {
                return URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
            }
            try {
                Thread.sleep(START_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for it to start", e);
            }
        }
        throw new IOException("no " + portFile + " after " + START_TIMEOUT.toSeconds() + " s");
    }

    /** Waits a bounded time for Chromium to exit, then kills it and waits again. */
    private void awaitExit() {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The end of Chromium's output, for an error message: why it would not start. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : "\nChromium said:\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** Deletes the profile; best effort, as a helper process may still hold a file for a moment. */
    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A stray temporary directory is harmless; failing the test run for it is not.
        }
    }
}
