package gateway.browser;

import static gateway.browser.Cdp.params;

import gateway.json.Json;
import gateway.json.JsonBoolean;
import gateway.json.JsonNull;
import gateway.json.JsonNumber;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * One browser tab, attached as its own DevTools session, that records every {@link Problem}
 * its page causes. Input goes through Chromium's real input pipeline (trusted events, focus,
 * default actions), not through {@code element.click()} in the page.
 */
public final class Page implements AutoCloseable {
    /** How long a page may take to fire its load event. */
    public static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);

    private final Cdp cdp;
    private final String targetId;
    private final String sessionId;
    private final ProblemLog problems;

    /** Takes over a tab attached as {@code sessionId} and turns on the domains whose events report problems. */
    Page(Cdp cdp, String targetId, String sessionId) {
        this.cdp = cdp;
        this.targetId = targetId;
        this.sessionId = sessionId;
        this.problems = new ProblemLog(cdp, sessionId);
        for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
            command(domain + ".enable", params());
        }
        // Focus and blur behave as in a focused window even when this tab is not the front one.
        command("Emulation.setFocusEmulationEnabled", params("enabled", true));
    }

    /** Loads {@code url} and waits for its load event (scripts, modules and styles done). */
    public void navigate(String url) {
        problems.expectOrigin(url);
        var loaded = cdp.nextEvent("Page.loadEventFired", sessionId);
        command("Page.navigate", params("url", url)).string("errorText").ifPresent(error -> {
            loaded.cancel(false);
            throw new BrowserException("cannot load " + url + ": " + error);
        });
        Cdp.await(loaded, "load event of " + url, LOAD_TIMEOUT);
    }

    /** Runs a JavaScript expression in the page and returns its value (a promise's once settled), JSON null for undefined. */
    public JsonValue eval(String expression) {
        return evaluate(expression, Cdp.COMMAND_TIMEOUT);
    }

    public String evalString(String expression) {
        JsonValue value = eval(expression);
        return value instanceof JsonString s ? s.value() : notA("string", expression, value);
    }

    public boolean evalBoolean(String expression) {
        JsonValue value = eval(expression);
        return value instanceof JsonBoolean b ? b.value() : notA("boolean", expression, value);
    }

    public long evalLong(String expression) {
        JsonValue value = eval(expression);
        return value instanceof JsonNumber n && n.isLong() ? n.longValue() : notA("whole number", expression, value);
    }

    /**
     * Waits until the JavaScript expression {@code condition} is truthy, checking it in the page
     * whenever the DOM changes and every 10 ms otherwise: no fixed sleep on either side.
     *
     * @throws AssertionError when it is still falsy after {@code timeout}
     */
    public void waitFor(String condition, Duration timeout) {
        String poll = """
                new Promise((resolve, reject) => {
                  const deadline = performance.now() + %d;
                  const observer = new MutationObserver(check);
                  const timer = setInterval(check, 10);
                  function check() {
                    let met;
                    try { met = Boolean(%s); } catch (e) { stop(); reject(e); return; }
                    if (met || performance.now() >= deadline) { stop(); resolve(met); }
                  }
                  function stop() { observer.disconnect(); clearInterval(timer); }
                  observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
                  check();
                })""".formatted(timeout.toMillis(), condition);
        if (!(evaluate(poll, timeout.plus(Cdp.COMMAND_TIMEOUT)) instanceof JsonBoolean met && met.value())) {
            throw new AssertionError("still false after " + timeout.toMillis() + " ms: " + condition);
        }
    }

    /** Types text into the focused element, as an input method would (one input event, no key events). */
    public void type(String text) {
        command("Input.insertText", params("text", text));
    }

    /** Presses and releases a key, with Shift around it when the key says so. */
    public void press(Key key) {
        key.events().forEach(event -> command("Input.dispatchKeyEvent", event));
    }

    /**
     * Clicks the middle of the first element matching {@code selector} with real mouse events,
     * after scrolling it into view. Fails when nothing matches, or when the element is hidden or
     * another element covers that point, as a user could not click it either.
     */
    public void click(String selector) {
        String locate = """
                (() => {
                  const element = document.querySelector(%1$s);
                  if (!element) throw new Error('nothing matches ' + %1$s);
                  element.scrollIntoView({block: 'center', inline: 'center'});
                  const box = element.getBoundingClientRect();
                  const x = box.left + box.width / 2, y = box.top + box.height / 2;
                  const top = document.elementFromPoint(x, y);
                  if (!element.contains(top)) throw new Error(%1$s + ' is hidden or covered by ' + (top && top.tagName));
                  return {x, y};
                })()""".formatted(Json.quote(selector));
        JsonObject centre = (JsonObject) eval(locate);
        JsonValue x = centre.get("x"), y = centre.get("y");
        command("Input.dispatchMouseEvent", params("type", "mouseMoved", "x", x, "y", y));
        command("Input.dispatchMouseEvent", params("type", "mousePressed", "x", x, "y", y, "button", "left", "buttons", 1, "clickCount", 1));
        command("Input.dispatchMouseEvent", params("type", "mouseReleased", "x", x, "y", y, "button", "left", "buttons", 0, "clickCount", 1));
    }

    /** Sets the size of the viewport in CSS pixels (375 wide for a phone), at a device scale of 1. */
    public void setViewport(int width, int height) {
        command("Emulation.setDeviceMetricsOverride", params("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    /** Saves what the viewport shows as a PNG, creating the directory when needed. */
    public void screenshot(Path file) throws IOException {
        String png = command("Page.captureScreenshot", params("format", "png")).string("data").orElseThrow();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    /** The problems recorded so far, oldest first. */
    public List<Problem> problems() {
        return problems.all();
    }

    /** The problems recorded so far, which the test thereby expects: they no longer fail it. */
    public List<Problem> takeProblems() {
        return problems.take();
    }

    /** Fails, listing them, when the page has recorded problems the test has not taken. */
    public void assertNoProblems() {
        problems.assertNone();
    }

    /** Sends any DevTools command to this page's session, for what the methods above do not cover. */
    public JsonObject command(String method, JsonObject params) {
        return cdp.call(method, params, sessionId);
    }

    @Override
    public void close() {
        problems.close();
        try {
            cdp.call("Target.closeTarget", params("targetId", targetId), null);
        } catch (BrowserException e) {
            // The browser is gone or the tab crashed: nothing left to close.
        }
    }

    private JsonValue evaluate(String expression, Duration timeout) {
        JsonObject reply = Cdp.await(cdp.send("Runtime.evaluate", params("expression", expression,
                "returnByValue", true, "awaitPromise", true), sessionId), "Runtime.evaluate", timeout);
        reply.object("exceptionDetails").ifPresent(details -> {
            throw new BrowserException(Problem.thrown(details) + "\n  in: " + expression);
        });
        JsonObject result = reply.object("result").orElseThrow();
        return result.has("value") ? result.get("value") : JsonNull.INSTANCE;
    }

    private static <T> T notA(String expected, String expression, JsonValue value) {
        throw new BrowserException(expression + " is " + value.toJson() + ", not a " + expected);
    }
}
