package gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.Fleet;
import gateway.Gateway;
import gateway.TestHttp;
import gateway.config.Settings;
import gateway.json.Json;
import gateway.json.JsonObject;
import gateway.json.JsonValue;
import gateway.observe.Log;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real Chromium against a real gateway (echo mode, an admin key, a key
 * store in a temporary directory): what an administrator and a key holder do there, and
 * that what the page shows agrees with what the gateway does to requests.
 */
@ExtendWith(BrowserExtension.class)
class ConsoleBrowserTest {
    static final String ADMIN_KEY = "sk-admin-console-test";
    /** Long enough for a loaded machine; the waits return as soon as the page is there. */
    static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    Gateway gateway;

    @BeforeEach
    void start() {
        gateway = Gateway.start(Settings.from(Map.of("PORT", "0", "ADMIN_API_KEY", ADMIN_KEY,
                "KEYS_FILE", dir.resolve("keys.json").toString())), new Log(line -> { }));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aCreatedKeysSecretIsShownOnceAndNeverInTheTable(Page page) {
        unlock(page);
        String secret = createKey(page, "alice", "1000");
        assertTrue(secret.startsWith("gw-"), secret);

        String row = row("alice");
        page.waitFor(row + " !== undefined", WAIT);
        String redacted = page.evalString(row + ".querySelector('[data-col=redacted]').textContent");
        assertTrue(redacted.startsWith("gw-") && redacted.contains("…") && secret.endsWith(redacted.substring(redacted.indexOf('…') + 1)), redacted);
        assertEquals("active", page.evalString(row + ".querySelector('[data-col=status]').textContent"));
        assertEquals("1,000 tok/day", page.evalString(row + ".querySelector('[data-col=limits]').textContent"));
        assertFalse(page.evalBoolean("document.getElementById('keys').textContent.includes('" + secret + "')"));

        page.click("#secret-done");
        page.waitFor("document.getElementById('secret').childElementCount === 0", WAIT);
        assertFalse(page.evalBoolean("document.documentElement.outerHTML.includes('" + secret + "')"
                + " || [...document.querySelectorAll('input')].some(i => i.value.includes('" + secret + "'))"));
    }

    @Test
    void requestsWithAKeyShowInItsRowAndInTheChart(Page page) {
        unlock(page);
        String secret = createKey(page, "alice", null);
        long tokens = 0;
        var hours = new ArrayList<Long>(); // of each answer: usage is counted by the hour
        for (String text : List.of("hello there", "one two three four")) {
            var answer = chat(secret, text);
            assertEquals(200, answer.statusCode(), answer.body());
            var json = TestHttp.json(answer);
            tokens += json.object("usage").orElseThrow().longValue("total_tokens").orElseThrow();
            hours.add(Math.floorDiv(json.longValue("created").orElseThrow(), 3600) * 3600);
        }
        awaitRequestsToday("alice", 2);

        page.click("#refresh");
        String row = row("alice");
        page.waitFor(row + ".querySelector('[data-col=requests_today]').textContent === '2'", WAIT);
        assertEquals(Long.toString(tokens), page.evalString(row + ".querySelector('[data-col=tokens_today]').textContent"));

        long hour = hours.get(1);
        String bar = "document.querySelectorAll('#usage svg.chart')[%d].querySelector('g[data-key=\"" + hour + "\"]')";
        page.waitFor(bar.formatted(0) + " !== null", WAIT);
        assertTrue(page.evalBoolean(bar.formatted(0) + ".querySelector('rect').getAttribute('height') > 0"));
        assertEquals(": " + hours.stream().filter(h -> h == hour).count() + " requests",
                page.evalString(bar.formatted(0) + ".querySelector('title').textContent.replace(/^.*(: \\d+ requests)$/, '$1')"));
        assertEquals(2, page.evalLong(bar.formatted(1) + ".querySelectorAll('rect').length"), "input and output tokens, stacked");
    }

    @Test
    void aKeyHolderSeesOnlyTheirOwnUsage(Page page) {
        String alice = createByApi("alice");
        createByApi("bob-the-other");
        assertEquals(200, chat(alice, "hi").statusCode());
        awaitRequestsToday("alice", 1);

        page.navigate(gateway.uri() + "/console");
        page.click("#tab-mine");
        page.click("#mine-key");
        page.type(alice);
        page.press(Key.ENTER);
        page.waitFor("document.querySelectorAll('#mine svg.chart rect').length > 0", WAIT);
        assertEquals("alice", page.evalString("document.querySelector('#mine [data-field=name]').textContent"));
        assertEquals("1", page.evalString("document.querySelector('#mine [data-field=requests_today]').textContent"));
        assertFalse(page.evalBoolean("document.body.textContent.includes('bob-the-other')"));
        assertEquals("", page.evalString("document.getElementById('mine-key').value"), "the key leaves the field");
    }

    @Test
    void disableEnableRotateAndRevokeActOnTheNextRequest(Page page) {
        unlock(page);
        String secret = createKey(page, "alice", null);
        page.click("#secret-done");
        String id = page.evalString(row("alice") + ".dataset.keyId");
        String action = "tr[data-key-id='" + id + "'] [data-action='%s']";

        page.click(action.formatted("disable"));
        page.waitFor(row("alice") + ".querySelector('[data-col=status]').textContent === 'disabled'", WAIT);
        assertRefused(chat(secret, "hi"), "key_disabled");
        page.click(action.formatted("enable"));
        page.waitFor(row("alice") + ".querySelector('[data-col=status]').textContent === 'active'", WAIT);
        assertEquals(200, chat(secret, "hi").statusCode());

        page.click(action.formatted("rotate"));
        page.waitFor("document.getElementById('secret-value') !== null", WAIT);
        String rotated = page.evalString("document.getElementById('secret-value').value");
        assertRefused(chat(secret, "hi"), "invalid_api_key");
        assertEquals(200, chat(rotated, "hi").statusCode());

        page.click(action.formatted("revoke"));
        // Not window.confirm: the row asks, and nothing is revoked until "Yes, revoke".
        assertTrue(page.evalString(row("alice") + ".querySelector('.actions').textContent").startsWith("Revoke alice?"));
        assertEquals(200, chat(rotated, "hi").statusCode());
        // A reload of the list that lands now (as the one after the rotation may) keeps the question, and the
        // focus on its Cancel. Refresh is clicked from script, so that the focus stays where the question put it.
        page.eval("window.rowBeforeRefresh = " + row("alice") + "; document.getElementById('refresh').click()");
        page.waitFor(row("alice") + " !== window.rowBeforeRefresh", WAIT);
        assertTrue(page.evalString(row("alice") + ".querySelector('.actions').textContent").startsWith("Revoke alice?"),
                "the question survives a redraw");
        assertEquals("cancel", page.evalString("document.activeElement.dataset.action"), "the focus stays on the button that had it");
        page.click(action.formatted("yes, revoke"));
        page.waitFor(row("alice") + " === undefined", WAIT);
        assertRefused(chat(rotated, "hi"), "invalid_api_key");
    }

    @Test
    void aWrongAdminKeyIsToldAndThePageFitsAPhone(Page page) {
        page.setViewport(375, 800);
        page.navigate(gateway.uri() + "/console");
        page.click("#admin-key");
        page.type("not-the-admin-key");
        page.press(Key.ENTER);
        page.waitFor("document.getElementById('unlock-error').textContent !== ''", WAIT);
        String told = page.evalString("document.getElementById('unlock-error').textContent");
        assertTrue(told.startsWith("The gateway needs a valid API key") && told.contains("HTTP 401"), told);
        List<Problem> problems = page.takeProblems();
        assertTrue(problems.stream().allMatch(p -> p.text().contains("401")), problems.toString()); // the browser logs the refused fetch

        for (String name : List.of("alice", "bob", "carol")) {
            createByApi(name);
        }
        unlock(page);
        page.waitFor("document.querySelectorAll('#usage svg.chart').length === 3", WAIT);
        assertTrue(page.evalBoolean("document.documentElement.scrollWidth <= window.innerWidth"),
                "the page scrolls sideways: " + page.evalLong("document.documentElement.scrollWidth") + " px");
    }

    @Test
    void theColumnHeadersSortTheRowsByMouseAndKeyboard(Page page) {
        Map<String, Integer> requests = Map.of("alice", 3, "bob", 1, "carol", 2);
        requests.forEach((name, n) -> {
            String secret = createByApi(name);
            for (int i = 0; i < n; i++) {
                assertEquals(200, chat(secret, "hi").statusCode());
            }
        });
        requests.forEach(this::awaitRequestsToday);
        unlock(page);
        awaitOrder(page, "alice bob carol");

        page.click("[data-sort=requests_today]"); // numbers: most first
        awaitOrder(page, "alice carol bob");
        assertEquals("descending", page.evalString("document.querySelector('[data-sort=requests_today]').parentElement.getAttribute('aria-sort')"));
        page.press(Key.ENTER); // the header button keeps the focus: the keyboard turns the order round
        awaitOrder(page, "bob carol alice");
        page.click("[data-sort=name]");
        page.click("[data-sort=name]");
        awaitOrder(page, "carol bob alice");
    }

    // ---- what a person does on the page

    private void unlock(Page page) {
        page.navigate(gateway.uri() + "/console");
        page.click("#admin-key");
        page.type(ADMIN_KEY);
        page.press(Key.ENTER);
        page.waitFor("!document.getElementById('admin').hidden", WAIT);
    }

    /** Creates a key with the form and returns the secret it shows. */
    private static String createKey(Page page, String name, String tokensPerDay) {
        page.click("#new-key");
        page.waitFor("document.activeElement && document.activeElement.id === 'kf-name'", WAIT);
        page.type(name);
        if (tokensPerDay != null) {
            page.click("#kf-tokens_per_day");
            page.type(tokensPerDay);
        }
        page.click("form.key-form button[type=submit]");
        page.waitFor("document.getElementById('secret-value') !== null", WAIT);
        return page.evalString("document.getElementById('secret-value').value");
    }

    /** A JavaScript expression for the keys table's row of {@code name} (undefined when none). */
    private static String row(String name) {
        return "[...document.querySelectorAll('#keys tbody tr')].find(r => r.querySelector('th')?.textContent === " + Json.quote(name) + ")";
    }

    /** Waits for the table's rows to be in this order (names separated by spaces). */
    private static void awaitOrder(Page page, String names) {
        page.waitFor("[...document.querySelectorAll('#keys tbody th')].map(th => th.textContent).join(' ') === " + Json.quote(names), WAIT);
    }

    // ---- what a client and the admin API do, over HTTP

    private HttpResponse<String> chat(String key, String text) {
        return TestHttp.post(gateway.uri().resolve("/v1/chat/completions"),
                "{\"messages\":[{\"role\":\"user\",\"content\":" + Json.quote(text) + "}]}", "Authorization", "Bearer " + key);
    }

    private static void assertRefused(HttpResponse<String> answer, String code) {
        assertEquals(401, answer.statusCode(), answer.body());
        assertEquals(code, TestHttp.errorCode(answer));
    }

    private String createByApi(String name) {
        var answer = TestHttp.post(admin("/admin/keys"), "{\"name\":" + Json.quote(name) + "}", "Authorization", "Bearer " + ADMIN_KEY);
        assertEquals(201, answer.statusCode(), answer.body());
        return TestHttp.json(answer).string("key").orElseThrow();
    }

    /** Usage is counted as a request ends, maybe just after its answer left: waits for the count. */
    private void awaitRequestsToday(String name, int expected) {
        Fleet.await(name + "'s " + expected + " requests counted", () -> {
            var keys = TestHttp.json(TestHttp.get(admin("/admin/keys"), "Authorization", "Bearer " + ADMIN_KEY));
            for (JsonValue key : keys.array("data").orElseThrow().values()) {
                var entry = (JsonObject) key;
                if (entry.string("name").orElse("").equals(name)) {
                    return entry.object("usage").orElseThrow().object("today").orElseThrow().longValue("requests").orElse(0L) == expected;
                }
            }
            return false;
        });
    }

    private URI admin(String path) {
        return gateway.uri().resolve(path);
    }
}
