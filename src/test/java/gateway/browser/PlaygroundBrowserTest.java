package gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gateway.Gateway;
import gateway.config.Settings;
import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.mock.MockBackend;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playground ({@code GET /}) in a real browser against a real gateway: it streams, stops
 * (and the backend call with it), shows its numbers and errors, renders model output as text,
 * keeps keys and conversations where it says, and works by keyboard on a phone-sized screen.
 */
@ExtendWith(BrowserExtension.class)
class PlaygroundBrowserTest {
    /** Long enough for any step on a loaded machine; a passing step takes milliseconds. */
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A reply is over once no reply is streaming; the numbers under it are drawn with it. */
    private static final String REPLY_ENDED = "!document.querySelector('.streaming') && document.querySelectorAll('.msg-assistant').length >= ";

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    @Test
    void repliesStreamIntoThePageThenShowTheirNumbers(Page page) {
        // Eleven words 100 ms apart: the reply takes a second.
        Gateway gateway = gateway("ECHO_TOKEN_DELAY_MS", "100");
        open(page, gateway, "/");

        send(page, "one two three four five six seven eight nine ten");

        page.waitFor("""
                (() => {
                  const streaming = document.querySelector('.msg-body.streaming');
                  if (streaming && streaming.textContent.includes('two')) return window.seen = streaming.textContent;
                })()""", WAIT);
        assertFalse(page.evalString("window.seen").contains("ten"), "text was shown before the reply ended");
        assertTrue(page.evalBoolean("document.querySelector('#send').disabled && !document.querySelector('#stop').disabled"));

        page.waitFor(REPLY_ENDED + 1, WAIT);
        assertEquals("Echo: one two three four five six seven eight nine ten", lastReplyText(page));
        JsonObject stats = stats(page);
        assertMatches("\\d[\\d,]* ms", stats.string("ttft").orElseThrow());
        assertMatches("\\d[\\d,]*\\.\\d tok/s", stats.string("speed").orElseThrow());
        assertEquals("10", stats.string("tokens-in").orElseThrow(), "the words sent");
        assertEquals("11", stats.string("tokens-out").orElseThrow(), "the words of the reply, from its usage chunk");
        assertEquals("stop", stats.string("finish").orElseThrow());
        assertEquals("echo", stats.string("backend").orElseThrow(), "from X-Gateway-Backend");
        assertEquals(chatLines().getFirst().string("request_id").orElseThrow(), stats.string("request-id").orElseThrow());
        assertFalse(page.evalBoolean("document.querySelector('#send').disabled"));
    }

    @Test
    void stopAndEscapeKeepThePartialTextAndCloseTheBackendCall(Page page) {
        String words = IntStream.rangeClosed(1, 200).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        MockBackend mock = mock(MockOptions.defaults().withReply(words).withTokenDelay(Duration.ofMillis(30)));
        Gateway gateway = gateway("BACKEND_URL", mock.uri().toString());
        open(page, gateway, "/");

        send(page, "count for me");
        page.waitFor("document.querySelector('.streaming')?.textContent.includes('w3')", WAIT);
        page.click("#stop");
        assertStoppedAndClosed(page, mock, 1);

        send(page, "and again");
        page.waitFor("document.querySelector('.streaming')?.textContent.includes('w3')", WAIT);
        page.press(Key.ESCAPE);
        assertStoppedAndClosed(page, mock, 2);
    }

    private void assertStoppedAndClosed(Page page, MockBackend mock, int replies) {
        page.waitFor(REPLY_ENDED + replies, WAIT);
        String text = lastReplyText(page);
        assertTrue(text.startsWith("w1 w2 w3") && !text.contains("w200"), "the partial text is kept: " + text);
        assertTrue(page.evalString("document.querySelector('.msg-assistant:last-child .msg-note').textContent").startsWith("Stopped"));
        assertTrue(stats(page).string("tokens-out").orElseThrow().startsWith("≈"), "without usage, counted from the chunks");
        assertTrue(page.evalBoolean("!document.querySelector('#send').disabled && document.querySelector('#stop').disabled"));
        await("the backend call closed", () -> mock.chatsInProgress() == 0);
        await("the gateway logged a client cancel", () -> chatLines().size() == replies
                && chatLines().stream().allMatch(line -> line.string("outcome").orElseThrow().equals("client_cancelled")));
    }

    @Test
    void modelOutputIsShownAsTextNeverAsMarkup(Page page) {
        String reply = "Try <img src=x onerror=alert(1)> then <script>alert(1)</script> or [click](javascript:alert(1))"
                + " and ![x](http://127.0.0.2:9/leak) but [docs](https://example.com/docs) is fine";
        MockBackend mock = mock(MockOptions.defaults().withReply(reply));
        Gateway gateway = gateway("BACKEND_URL", mock.uri().toString());
        open(page, gateway, "/");
        page.eval("window.alert = window.confirm = window.prompt = () => { window.dialogs = (window.dialogs || 0) + 1; }");

        send(page, "say something nasty");
        page.waitFor(REPLY_ENDED + 1, WAIT);
        assertRenderedAsText(page);
        assertTrue(page.evalBoolean("!window.dialogs"), "no dialog opened");

        // Stored conversations are drawn by the same code: nothing fires on the way back either.
        page.navigate(gateway.uri() + "/");
        page.waitFor("document.querySelectorAll('.msg-assistant').length === 1", WAIT);
        assertRenderedAsText(page);
        // Any request to 127.0.0.2 would have failed the test as a foreign request.
    }

    private static void assertRenderedAsText(Page page) {
        String text = lastReplyText(page);
        for (String literal : List.of("<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
                "[click](javascript:alert(1))", "![x](http://127.0.0.2:9/leak)")) {
            assertTrue(text.contains(literal), literal + " shown as text in: " + text);
        }
        assertEquals(0, page.evalLong("document.querySelectorAll('#messages img, #messages script, #messages iframe').length"));
        assertEquals(0, page.evalLong("document.querySelectorAll('a[href^=\"javascript\"], a[href*=\"127.0.0.2\"]').length"));
        assertEquals("https://example.com/docs noopener noreferrer _blank", page.evalString("""
                (() => { const a = document.querySelector('#messages a'); return [a.href, a.rel, a.target].join(' '); })()"""));
    }

    /**
     * The two doors every page's text goes through (api.js): el() makes no script address and
     * no srcdoc, and apiFetch, which carries the keys, sends nothing off this origin.
     */
    @Test
    void theSharedHelpersMakeNoScriptAddressAndSendNothingElsewhere(Page page) {
        open(page, gateway(), "/");
        assertEquals("refused refused refused refused made refused refused refused", page.evalString("""
                import('/ui/api.js').then(async ({ apiFetch, el }) => {
                  const build = (make) => { try { make(); return 'made'; } catch { return 'refused'; } };
                  const send = (path) => apiFetch(path).then(() => 'sent', () => 'refused');
                  return [
                    build(() => el('a', { href: 'javascript:alert(1)' })),
                    build(() => el('a', { href: ' JavaScript:alert(1)' })),
                    build(() => el('img', { src: 'data:image/svg+xml,<svg/onload=alert(1)>' })),
                    build(() => el('iframe', { srcdoc: '<script>alert(1)</script>' })),
                    build(() => el('a', { href: '/docs#chat' })),
                    await send('//127.0.0.2:9/leak'),
                    await send('https://127.0.0.2:9/leak'),
                    await send('v1/models'),
                  ].join(' ');
                })"""));
        // Any request to 127.0.0.2 would have failed the test as a foreign request.
    }

    @Test
    void aMissingKeyAsksForOneAndTooManyRequestsSaysWhenToRetry(Page page) {
        // One chat a minute per key (listing the models is not counted).
        Gateway gateway = gateway("API_KEYS", "sk-playground", "RATE_LIMIT_RPM", "1");
        open(page, gateway, "/");
        assertEquals("Enter an API key to list the models.", page.evalString("document.querySelector('#model-status').textContent"));

        send(page, "hello");
        page.waitFor(REPLY_ENDED + 1, WAIT);
        String refused = page.evalString("document.querySelector('.msg-error').textContent");
        assertTrue(refused.startsWith("Error 401 (missing_api_key)"), refused);
        assertTrue(refused.contains("enter one in the key field"), refused);
        assertEquals("api-key", page.evalString("document.activeElement.id"), "the key field has the focus");
        assertEquals("hello", page.evalString("document.querySelector('#prompt').value"), "the message is back, to send again");
        assertExpectedRefusals(page, "401");

        page.type("sk-playground");
        page.click("#send");
        page.waitFor(REPLY_ENDED + 2, WAIT);
        assertEquals("Echo: hello", lastReplyText(page), "the refused turn was not sent again as history");

        send(page, "and once more");
        page.waitFor(REPLY_ENDED + 3, WAIT);
        String limited = lastError(page);
        assertTrue(limited.startsWith("Error 429 (rate_limit_exceeded)"), limited);
        Matcher retry = Pattern.compile("Try again in (\\d+) s\\.").matcher(limited);
        assertTrue(retry.find(), "Retry-After shown: " + limited);
        int seconds = Integer.parseInt(retry.group(1));
        assertTrue(seconds >= 1 && seconds <= 60, "Retry-After of a per-minute limit: " + seconds);
        assertExpectedRefusals(page, "429");
    }

    /** Chromium logs every refused fetch as a network error: these are the ones the test caused. */
    private static void assertExpectedRefusals(Page page, String status) {
        for (Problem problem : page.takeProblems()) {
            assertTrue(problem.kind() == Problem.Kind.BROWSER_ERROR && problem.text().contains("status of " + status),
                    "only the expected " + status + "s: " + problem);
        }
    }

    @Test
    void failuresSayWhatFailedAndKeepWhatArrived(Page page) {
        // A stream the backend cuts half-way: the gateway ends it with an error frame.
        String reply = "alpha beta gamma delta epsilon zeta eta theta";
        MockBackend cutting = mock(MockOptions.defaults().withReply(reply).withCutRate(1));
        open(page, gateway("BACKEND_URL", cutting.uri().toString()), "/");
        send(page, "tell me the letters");
        page.waitFor(REPLY_ENDED + 1, WAIT);
        String text = lastReplyText(page);
        assertTrue(text.startsWith("alpha") && !text.contains("theta"), "the text before the cut is kept: " + text);
        String cut = lastError(page);
        assertTrue(cut.startsWith("The reply failed (backend_error): The backend at " + cutting.uri() + " sent an incomplete stream"), cut);
        assertTrue(cut.contains("The text above is what arrived before the error."), cut);

        // A backend that fails before its first byte: 502 with the gateway's words.
        MockBackend failing = mock(MockOptions.defaults().withErrorRate(1));
        Gateway gateway = gateway("BACKEND_URL", failing.uri().toString());
        open(page, gateway, "/");
        send(page, "anyone there?");
        page.waitFor(REPLY_ENDED + 1, WAIT);
        String failed = lastError(page);
        assertTrue(failed.startsWith("Error 502 (") && failed.contains("The backend failed to answer properly."), failed);
        assertExpectedRefusals(page, "502");

        // The gateway itself gone: the browser's own failure is shown, not swallowed.
        gateway.close();
        send(page, "hello?");
        page.waitFor(REPLY_ENDED + 2, WAIT);
        String unreachable = lastError(page);
        assertTrue(unreachable.startsWith("The reply failed (network_error)")
                && unreachable.contains("Check that the gateway is running, then send again."), unreachable);
        page.takeProblems(); // the refused connection, as Chromium logs it
    }

    private static String lastError(Page page) {
        return page.evalString("document.querySelector('.msg-assistant:last-child .msg-error').textContent");
    }

    @Test
    void theKeyStaysInTheTabUnlessRememberedAndForgetClearsIt(Page page) {
        Gateway gateway = gateway();
        String url = gateway.uri() + "/";
        open(page, gateway, "/");

        page.click("#api-key");
        page.type("sk-secret");
        page.navigate(url);
        assertEquals("sk-secret", page.evalString("document.querySelector('#api-key').value"), "kept for this tab");
        assertFalse(stored(page, "localStorage", "sk-secret"), "not on the device");

        page.click("#remember-key");
        page.navigate(url);
        assertTrue(stored(page, "localStorage", "sk-secret"), "remembered");
        assertTrue(page.evalBoolean("document.querySelector('#remember-key').checked"));

        page.click("#forget-key");
        assertFalse(stored(page, "localStorage", "sk-secret"));
        assertFalse(stored(page, "sessionStorage", "sk-secret"));
        page.navigate(url);
        assertEquals("", page.evalString("document.querySelector('#api-key').value"));
    }

    private static boolean stored(Page page, String storage, String secret) {
        return page.evalBoolean("Object.values(" + storage + ").some(value => value.includes('" + secret + "'))");
    }

    @Test
    void onAPhoneTheLinkOnlyFillsTheBoxAndTheKeyboardSends(Page page) {
        Gateway gateway = gateway();
        page.setViewport(375, 740);
        open(page, gateway, "/?q=hello%20there");

        assertEquals("hello there", page.evalString("document.querySelector('#prompt').value"));
        assertTrue(chatLines().isEmpty(), "a link never sends");
        assertFitsTheScreen(page);
        assertTrue(page.evalBoolean("getComputedStyle(document.querySelector('#sidebar')).display === 'none'"), "the sidebar is folded");

        page.eval("(p => p.setSelectionRange(p.value.length, p.value.length))(document.querySelector('#prompt'))");
        page.press(Key.SHIFT_ENTER);
        page.type("```\n" + "x".repeat(300) + "\n```");
        assertEquals("hello there\n```\n" + "x".repeat(300) + "\n```", page.evalString("document.querySelector('#prompt').value"));
        page.press(Key.ENTER);
        page.waitFor(REPLY_ENDED + 1, WAIT);
        assertEquals(1, page.evalLong("document.querySelectorAll('.msg-assistant pre.code').length"));
        assertFitsTheScreen(page);

        page.click("#menu");
        page.click("#new-chat"); // reachable, and it folds the panel again
        assertTrue(page.evalBoolean("getComputedStyle(document.querySelector('#sidebar')).display === 'none'"));
    }

    /** No sideways scrolling, and the message box and Send are on the screen. */
    private static void assertFitsTheScreen(Page page) {
        assertTrue(page.evalBoolean("document.documentElement.scrollWidth <= innerWidth"),
                "no horizontal scroll: " + page.eval("[document.documentElement.scrollWidth, innerWidth]").toJson());
        for (String control : List.of("#prompt", "#send")) {
            assertTrue(page.evalBoolean("""
                    (() => { const box = document.querySelector('%s').getBoundingClientRect();
                             return box.left >= 0 && box.right <= innerWidth && box.top >= 0 && box.bottom <= innerHeight; })()"""
                    .formatted(control)), control + " is on the screen");
        }
    }

    @Test
    void conversationsAreListedSwitchedExportedAndDeleted(Page page, @TempDir Path downloads) throws IOException {
        Gateway gateway = gateway();
        open(page, gateway, "/");
        page.command("Page.setDownloadBehavior", Cdp.params("behavior", "allow", "downloadPath", downloads.toString()));

        send(page, "first chat");
        page.waitFor(REPLY_ENDED + 1, WAIT);
        page.click("#new-chat");
        assertEquals(0, page.evalLong("document.querySelectorAll('#messages li').length"));
        send(page, "second chat");
        page.waitFor(REPLY_ENDED + 1, WAIT);
        assertEquals("[\"second chat\",\"first chat\"]", listed(page), "newest first");
        assertEquals("second chat", page.evalString("document.querySelector('#conversations [aria-current=true]').textContent"));

        page.click("#conversations li:nth-child(2) button");
        page.waitFor("document.querySelector('#chat-title').textContent === 'first chat'", WAIT);
        assertEquals("Echo: first chat", lastReplyText(page));

        page.click("#export");
        Path file = downloads.resolve("first-chat.json");
        await("the export downloaded", () -> Files.exists(file));
        JsonObject exported = (JsonObject) Json.parse(Files.readString(file));
        assertEquals("conversation", exported.string("object").orElseThrow());
        assertEquals("first chat", exported.string("title").orElseThrow());
        JsonArray messages = exported.array("messages").orElseThrow();
        assertEquals("{\"role\":\"user\",\"content\":\"first chat\"}", messages.get(0).toJson());
        JsonObject answer = (JsonObject) messages.get(1);
        assertEquals("Echo: first chat", answer.string("content").orElseThrow());
        assertEquals("done", answer.string("status").orElseThrow());
        assertEquals("echo", answer.object("stats").orElseThrow().string("backend").orElseThrow());

        page.click("#delete");
        assertEquals("Click again to delete", page.evalString("document.querySelector('#delete').textContent"));
        page.click("#delete");
        page.waitFor("document.querySelector('#chat-title').textContent === 'second chat'", WAIT);
        assertEquals("[\"second chat\"]", listed(page));
        page.navigate(gateway.uri() + "/");
        assertEquals("[\"second chat\"]", listed(page), "kept in the browser");
    }

    private static String listed(Page page) {
        return page.eval("[...document.querySelectorAll('#conversations button')].map(b => b.textContent)").toJson();
    }

    // ---- helpers

    /** A gateway on a free port with these settings (KEY, value, …), logging to {@link #log}. */
    private Gateway gateway(String... settings) {
        var values = new HashMap<String, String>();
        values.put("PORT", "0");
        for (int i = 0; i + 1 < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        Gateway gateway = Gateway.start(Settings.from(values), new Log(log::add));
        resources.add(gateway);
        return gateway;
    }

    private MockBackend mock(MockOptions options) {
        MockBackend mock = MockBackend.start("127.0.0.1", 0, options);
        resources.add(mock);
        return mock;
    }

    /** Loads the playground and waits until its script has asked for the model list and shown the answer. */
    private static void open(Page page, Gateway gateway, String pathAndQuery) {
        page.navigate(gateway.uri() + pathAndQuery);
        page.waitFor("(s => s !== '' && !s.startsWith('Loading'))(document.querySelector('#model-status').textContent)", WAIT);
    }

    /** Types a message in the box and presses Enter, as a user would. */
    private static void send(Page page, String text) {
        page.click("#prompt");
        page.type(text);
        page.press(Key.ENTER);
    }

    private static String lastReplyText(Page page) {
        return page.evalString("document.querySelector('.msg-assistant:last-child .msg-body').textContent");
    }

    /** The numbers under the last reply, by their data-stat names. */
    private static JsonObject stats(Page page) {
        return (JsonObject) page.eval("""
                Object.fromEntries([...document.querySelectorAll('.msg-assistant:last-child [data-stat]')]
                    .map(dd => [dd.dataset.stat, dd.textContent]))""");
    }

    /** The gateway's log lines for chat requests, oldest first. */
    private List<JsonObject> chatLines() {
        return log.stream().map(line -> (JsonObject) Json.parse(line))
                .filter(line -> line.string("event").orElse("").equals("request")
                        && line.string("path").orElse("").equals("/v1/chat/completions"))
                .toList();
    }

    private static void assertMatches(String regex, String actual) {
        assertTrue(actual.matches(regex), actual + " matches " + regex);
    }

    /** Polls a condition of the gateway or the backend, which no page event announces. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + WAIT.toSeconds() + " s: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
