package gateway.browser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.JsonNull;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness against a real Chromium and a small page served with the UI's CSP: what a page
 * test relies on (eval, waitFor, keys, clicks, screenshots) works, and what it must catch
 * (Trusted Types violations, console errors, foreign requests) is caught.
 */
@ExtendWith(BrowserExtension.class)
class BrowserHarnessTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    static HarnessSite site;
    static String base;

    @BeforeAll
    static void serve() throws IOException {
        site = new HarnessSite();
        base = site.origin();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void evaluatesScriptsAndWaitsForConditions(Page page) {
        page.navigate(base + "/");
        assertEquals(42, page.evalLong("6 * 7"));
        assertEquals("later", page.evalString("new Promise(resolve => setTimeout(() => resolve('later'), 10))"));
        assertEquals(JsonNull.INSTANCE, page.eval("undefined"));
        var thrown = assertThrows(BrowserException.class, () -> page.eval("null.x"));
        assertTrue(thrown.getMessage().startsWith("TypeError: Cannot read properties of null"), thrown.getMessage());

        page.eval("setTimeout(() => document.title = 'ready', 50)");
        page.waitFor("document.title === 'ready'", WAIT);
        Instant start = Instant.now();
        var late = assertThrows(AssertionError.class, () -> page.waitFor("document.title === 'never'", Duration.ofMillis(300)));
        assertEquals("still false after 300 ms: document.title === 'never'", late.getMessage());
        assertTrue(Duration.between(start, Instant.now()).toMillis() >= 300, "gave up early");
    }

    @Test
    void keysAndClicksReachThePageAsAUsersWould(Page page) {
        page.navigate(base + "/");
        page.click("#box");
        page.type("hello <img src=x onerror=alert(1)>");
        page.press(Key.ENTER);
        page.waitFor("document.querySelectorAll('#sent li').length === 1", WAIT);
        assertEquals("hello <img src=x onerror=alert(1)>", page.evalString("document.querySelector('#sent li').textContent"));
        assertEquals(0, page.evalLong("document.querySelectorAll('img').length"));

        page.type("two");
        page.press(Key.SHIFT_ENTER);
        page.press(Key.ESCAPE);
        assertEquals("two\n", page.evalString("document.getElementById('box').value"), "Shift+Enter types a newline");
        page.press(Key.TAB);
        assertEquals("after", page.evalString("document.activeElement.id"), "Tab moves the focus on");
        page.press(Key.SHIFT_TAB);
        assertEquals("box", page.evalString("document.activeElement.id"), "Shift+Tab moves it back");
        assertEquals("[\"Enter\",\"Shift+Enter\",\"Escape\",\"Tab\"]", page.eval("keys").toJson());
        page.click("#after");
        assertEquals(1, page.evalLong("clicks"));
    }

    @Test
    void trustedTypesViolationsAreProblems(Page page) {
        page.navigate(base + "/");
        var refused = assertThrows(BrowserException.class, () -> page.eval("document.body.innerHTML = '<b>x</b>'"));
        assertTrue(refused.getMessage().contains("TrustedHTML"), refused.getMessage());
        assertEquals(0, page.evalLong("document.querySelectorAll('b').length"));
        List<Problem> problems = page.takeProblems();
        assertEquals(Problem.Kind.BROWSER_ERROR, problems.get(0).kind(), problems.toString());
        assertTrue(problems.get(0).text().startsWith("security: "), problems.toString());
        assertTrue(problems.get(0).text().contains("TrustedHTML"), problems.toString());
    }

    @Test
    void consoleErrorsAreProblems(Page page) {
        page.navigate(base + "/");
        page.eval("console.error('boom', 42)");
        assertThrows(AssertionError.class, page::assertNoProblems);
        assertEquals(List.of(new Problem(Problem.Kind.CONSOLE_ERROR, "console.error(\"boom\", 42)")), page.takeProblems());
        page.assertNoProblems();
    }

    @Test
    void uncaughtExceptionsAreProblems(Page page) {
        page.navigate(base + "/");
        // Thrown by a timer after the eval has returned; the promise settles on the timer after that.
        page.eval("new Promise(done => setTimeout(() => { setTimeout(done); throw new RangeError('late'); }))");
        List<Problem> problems = page.takeProblems();
        assertEquals(Problem.Kind.EXCEPTION, problems.get(0).kind(), problems.toString());
        assertTrue(problems.get(0).text().startsWith("RangeError: late"), problems.toString());
    }

    /** Under the CSP, Chromium refuses the request before it is made: the refusal is the problem. */
    @Test
    void requestsToAnotherOriginAreRefusedAndAreProblems(Page page) throws IOException {
        String foreign = closedForeignUrl();
        page.navigate(base + "/");
        assertEquals("TypeError", page.evalString("fetch('" + foreign + "').then(() => 'reached', e => e.name)"));
        List<Problem> problems = page.takeProblems();
        assertEquals(Problem.Kind.BROWSER_ERROR, problems.get(0).kind(), problems.toString());
        assertTrue(problems.get(0).text().startsWith("security: Connecting to '" + foreign + "' violates"), problems.toString());
    }

    /** A page whose CSP header went missing: the request itself is the problem. */
    @Test
    void requestsToAnotherOriginWithoutCspAreProblems(Page page) throws IOException {
        String foreign = closedForeignUrl();
        page.navigate(base + "/?csp=none");
        assertEquals("TypeError", page.evalString("fetch('" + foreign + "').then(() => 'reached', e => e.name)"));
        List<Problem> problems = page.takeProblems();
        assertEquals(new Problem(Problem.Kind.FOREIGN_REQUEST, "GET " + foreign + " from a page on " + base), problems.get(0),
                problems.toString());
    }

    /** The pattern for "Stop reaches the backend": events show while the server is still sending, and abort cuts it off. */
    @Test
    void aStreamShowsAsItArrivesAndAbortReachesTheServer(Page page) throws Exception {
        page.navigate(base + "/");
        page.eval("startStream(), 0"); // not awaited: the stream goes on in the page
        page.waitFor("document.querySelectorAll('#events li').length === 2", WAIT);
        assertFalse(site.streamEnd().isDone(), "the server is still sending");

        page.eval("stopStream()");
        page.waitFor("document.getElementById('status').textContent === 'AbortError'", WAIT);
        site.releaseStream();
        IOException failure = site.streamEnd().get(10, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, failure, "the server wrote on as if nobody had left");
        assertEquals("[\"1\",\"2\"]", page.eval("[...document.querySelectorAll('#events li')].map(li => li.textContent)").toJson());
    }

    @Test
    void screenshotsArePngsOfTheViewport(Page page, @TempDir Path dir) throws IOException {
        page.setViewport(400, 300);
        page.navigate(base + "/");
        Path file = dir.resolve("page.png");
        page.screenshot(file);
        ByteBuffer png = ByteBuffer.wrap(Files.readAllBytes(file));
        byte[] signature = new byte[8];
        png.get(signature);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, signature);
        assertEquals(400, png.getInt(16), "IHDR width");
        assertEquals(300, png.getInt(20), "IHDR height");
    }

    /** A URL on another loopback address whose port nobody listens on: a request there fails fast. */
    private static String closedForeignUrl() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            return "http://127.0.0.2:" + socket.getLocalPort() + "/";
        }
    }
}
