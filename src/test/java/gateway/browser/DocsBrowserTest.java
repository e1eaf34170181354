package gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.Gateway;
import gateway.config.Settings;
import gateway.json.Json;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.observe.Log;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API reference at {@code /docs} in a real browser, against an echo gateway that streams
 * a word every 50 ms and needs a key: "Try it" streams the streaming example event by event,
 * shows the status, the assembled text and a curl without the key; Stop (or Esc) ends a stream
 * at once and readies the form again; and the page fits a phone's 375 px.
 */
@ExtendWith(BrowserExtension.class)
class DocsBrowserTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String KEY = "sk-docs-browser-secret";
    static final String TRY = "#createChatCompletion-try";

    static Gateway gateway;

    @BeforeAll
    static void start() {
        gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "ECHO_TOKEN_DELAY_MS", "50", "API_KEYS", "docs:" + KEY)),
                new Log(line -> { }));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void theStreamingExampleStreamsLiveAndItsCurlHoldsNoKey(Page page) {
        String words = words(20);
        openChatTryIt(page);
        choose(page, "streaming");
        page.click(TRY + " input[type=password]");
        page.type(KEY);
        replaceBody(page, streamOf(words));
        page.click(TRY + " button[type=submit]");

        page.waitFor(events() + ".length >= 2", WAIT);
        assertFalse(page.evalBoolean(done()), "two events are shown before [DONE] has come");
        page.waitFor(done(), WAIT);

        assertEquals("Echo: " + words, text(page, TRY + " .assembled"));
        assertTrue(text(page, TRY + " .status-line").startsWith("200"), text(page, TRY + " .status-line"));
        assertTrue(text(page, TRY + " .timing").matches("TTFT \\d+ ms, total \\d+ ms, [\\d.]+ tokens/s"), text(page, TRY + " .timing"));
        assertTrue(text(page, TRY + " .headers").contains("x-gateway-backend"), "headers shown");
        assertTrue(page.evalLong(events() + ".length") >= 20, "one event per word at least");
        String curl = text(page, TRY + " pre.code");
        assertTrue(curl.startsWith("curl -sN "), curl);
        assertTrue(curl.contains("-H \"Authorization: Bearer $GATEWAY_API_KEY\""), curl);
        assertTrue(curl.contains("\"stream\":true"), curl);
        assertFalse(page.evalBoolean("document.body.innerText.includes('" + KEY + "')"), "the key is shown nowhere");
    }

    @Test
    void stopAndEscapeEndAStreamAndReadyTheFormAgain(Page page) throws Exception {
        openChatTryIt(page);
        choose(page, "streaming");
        page.click(TRY + " input[type=password]");
        page.type(KEY);
        replaceBody(page, streamOf(words(200))); // 10 s of words

        for (boolean byKeyboard : new boolean[] {false, true}) {
            page.click(TRY + " button[type=submit]");
            page.waitFor(events() + ".length >= 3", WAIT);
            assertTrue(page.evalBoolean("document.querySelector('" + TRY + " button[type=submit]').disabled"), "Send waits");
            if (byKeyboard) {
                page.click(TRY + " textarea");
                page.press(Key.ESCAPE);
            } else {
                page.click(TRY + " button.danger");
            }
            page.waitFor("document.querySelector('" + TRY + " .status-line').textContent.endsWith('stopped')", WAIT);
            assertFalse(page.evalBoolean("document.querySelector('" + TRY + " button[type=submit]').disabled"), "Send is ready again");
            assertTrue(page.evalBoolean("document.querySelector('" + TRY + " button.danger').disabled"), "Stop is off again");
            long shown = page.evalLong(events() + ".length");
            page.eval("new Promise(done => setTimeout(done, 300))");
            assertEquals(shown, page.evalLong(events() + ".length"), "no event after Stop");
            assertFalse(page.evalBoolean(done()));
        }
        waitForCancelledStreams(2);
    }

    /** The key the playground keeps for this tab is offered, as a password field's value only. */
    @Test
    void tryItOffersThePlaygroundsKey(Page page) {
        page.navigate(gateway.uri() + "/");
        page.waitFor("document.querySelector('#model-status').textContent.startsWith('Enter an API key')", WAIT);
        page.takeProblems(); // the 401 of the model list, asked before a key is typed
        page.click("#api-key");
        page.type(KEY);
        openChatTryIt(page);
        assertEquals(KEY, page.evalString("document.querySelector('" + TRY + " input[type=password]').value"));
        assertFalse(page.evalBoolean("document.documentElement.outerHTML.includes('" + KEY + "')"), "not in the markup");
    }

    @Test
    void fitsAPhoneWithoutScrollingSideways(Page page) {
        page.setViewport(375, 800);
        openChatTryIt(page);
        page.click(TRY + " input[type=password]");
        page.type(KEY);
        page.click(TRY + " button[type=submit]");
        page.waitFor("document.querySelector('" + TRY + " .status-line').textContent.startsWith('200')", WAIT);
        page.eval("document.querySelectorAll('details').forEach(d => d.open = true)");
        long width = page.evalLong("document.documentElement.clientWidth"); // 375 less the scroll bar
        assertTrue(width > 300 && width <= 375, "width " + width);
        assertEquals(width, page.evalLong("document.documentElement.scrollWidth"), "the page scrolls sideways");
        long wide = page.evalLong("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > " + (width + 1)
                + " && !e.closest('pre, .scroll, .events')).length");
        assertEquals(0, wide, "elements outside a scrolling block reach past the screen");
    }

    /**
     * Every operation of the reference has its section and its Try it; the streams of a text
     * completion ({@code data:} chunks with {@code text}) and of a response (named events with
     * text deltas, usage in the last) add up to their text and its speed, as chat's do.
     */
    @Test
    void everyOperationIsShownAndEveryKindOfStreamAddsUp(Page page) throws Exception {
        page.navigate(gateway.uri() + "/docs");
        page.waitFor("document.querySelector('" + TRY + "')", WAIT);
        var reference = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.uri() + "/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        int operations = 0;
        for (JsonValue item : ((JsonObject) Json.parse(reference.body())).object("paths").orElseThrow().members().values()) {
            for (JsonValue op : ((JsonObject) item).members().values()) {
                if (op instanceof JsonObject o && o.string("operationId").isPresent()) {
                    String id = o.string("operationId").get();
                    assertTrue(page.evalBoolean("Boolean(document.getElementById('" + id + "')?.querySelector('#" + id + "-try'))"), id);
                    operations++;
                }
            }
        }
        assertTrue(operations >= 19, "operations: " + operations);

        boolean keyTyped = false;
        for (String operation : List.of("createCompletion", "createResponse")) {
            String tryIt = "#" + operation + "-try";
            page.click(tryIt + " > summary");
            page.eval("(() => { const s = document.querySelector('" + tryIt + " select'); s.value = 'streaming';"
                    + " s.dispatchEvent(new Event('change')); })()");
            if (!keyTyped) {
                page.click(tryIt + " input[type=password]");
                page.type(KEY); // offered to every other form from now on
                keyTyped = true;
            }
            page.click(tryIt + " button[type=submit]");
            page.waitFor("document.querySelector('" + tryIt + " .timing').textContent.endsWith('tokens/s')", WAIT);
            assertEquals("Echo: hello world", text(page, tryIt + " .assembled"), operation);
            assertTrue(text(page, tryIt + " .status-line").startsWith("200"), text(page, tryIt + " .status-line"));
        }
    }

    private static void openChatTryIt(Page page) {
        page.navigate(gateway.uri() + "/docs");
        page.waitFor("document.querySelector('" + TRY + "')", WAIT);
        page.click(TRY + " > summary");
    }

    private static void choose(Page page, String example) {
        page.eval("(() => { const s = document.querySelector('" + TRY + " select'); s.value = '" + example + "';"
                + " s.dispatchEvent(new Event('change')); })()");
    }

    /** Selects the body's text and types another over it, as a user would. */
    private static void replaceBody(Page page, String body) {
        page.click(TRY + " textarea");
        page.eval("document.querySelector('" + TRY + " textarea').select()");
        page.type(body);
    }

    private static String streamOf(String words) {
        return "{\"stream\": true, \"stream_options\": {\"include_usage\": true},"
                + " \"messages\": [{\"role\": \"user\", \"content\": \"" + words + "\"}]}";
    }

    private static String words(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    private static String events() {
        return "document.querySelectorAll('" + TRY + " .events li')";
    }

    private static String done() {
        return "Boolean(document.querySelector('" + TRY + " .events li.done'))";
    }

    private static String text(Page page, String selector) {
        return page.evalString("document.querySelector('" + selector + "').textContent");
    }

    /** Stop reaches the gateway: it logs the streams as cancelled by the client. */
    private static void waitForCancelledStreams(long count) throws Exception {
        var client = HttpClient.newHttpClient();
        long cancelled = 0;
        for (long deadline = System.nanoTime() + WAIT.toNanos(); cancelled < count && System.nanoTime() < deadline; Thread.sleep(50)) {
            var metrics = client.send(HttpRequest.newBuilder(URI.create(gateway.uri() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            cancelled = ((JsonObject) Json.parse(metrics.body())).object("outcomes").orElseThrow().longValue("client_cancelled").orElse(0L);
        }
        assertEquals(count, cancelled, "streams the gateway saw cancelled");
    }
}
