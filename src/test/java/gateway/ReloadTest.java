package gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.json.JsonObject;
import gateway.observe.Log;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What SIGHUP runs: the env file read again as at start, put in force when it can be, kept out with the reason when not. */
class ReloadTest {
    static final String HELLO = SilenceTest.HELLO;

    @TempDir
    Path dir;
    final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void aGoodFileIsPutInForceAndTheEnvironmentStillWins() throws IOException {
        Path file = write("PORT=0\nAPI_KEYS=alice:sk-alice-1\nMAX_MESSAGES=5\n");
        Map<String, String> environment = Map.of("MAX_MESSAGES", "1");
        try (var gateway = Gateway.start(Settings.load(file, true, environment), new Log(log::add))) {
            var reload = new Reload(gateway, () -> Settings.load(file, true, environment), new Log(log::add));
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            write("PORT=0\nAPI_KEYS=bob:sk-bob-2\nMAX_MESSAGES=7\nLOG_LEVEL=warn\n");
            reload.run();
            assertEquals(401, TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-alice-1").statusCode());
            assertEquals(200, TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-bob-2").statusCode());
            var twoMessages = TestHttp.post(chat, ReloadGatewayTest.TWO_MESSAGES, "Authorization", "Bearer sk-bob-2");
            assertEquals(400, twoMessages.statusCode(), "MAX_MESSAGES=1 from the environment, over the file's 7");
        }
        assertEquals(List.of("settings_reloaded API_KEYS,LOG_LEVEL"), reloadLines());
        assertTrue(log.stream().noneMatch(line -> line.contains("sk-")), log.toString());
    }

    @Test
    void aFileThatCannotBeUsedKeepsTheSettingsInForceAndSaysWhy() throws IOException {
        Path file = write("PORT=0\nAPI_KEYS=alice:sk-alice-1\n");
        try (var gateway = Gateway.start(Settings.load(file, true, Map.of()), new Log(log::add))) {
            var reload = new Reload(gateway, () -> Settings.load(file, true, Map.of()), new Log(log::add));
            URI chat = gateway.uri().resolve("/v1/chat/completions");
            write("PORT=0\nAPI_KEYS=bob:sk-bob-2\nMAX_MESSAGES=many\n");
            reload.run();
            write("PORT=0\nAPI_KEYS=bob:sk-bob-2\nMAX_MESAGES=5\n");
            reload.run();
            write("PORT=0\nAPI_KEYS=bob:sk-bob-2,carol:\n");
            reload.run();
            Files.delete(file);
            reload.run();
            assertEquals(200, TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-alice-1").statusCode(), "alice's key still works");
            assertEquals(401, TestHttp.post(chat, HELLO, "Authorization", "Bearer sk-bob-2").statusCode());
        }
        assertEquals(List.of(
                "settings_reload_failed MAX_MESSAGES=many: expected an integer 1..1000000",
                "settings_reload_failed " + file + ": unknown key MAX_MESAGES",
                "settings_reload_failed API_KEYS: entry 2 needs the form name:key or key",
                "settings_reload_failed env file not found: " + file), reloadLines());
        assertTrue(log.stream().noneMatch(line -> line.contains("sk-")), log.toString());
    }

    @Test
    void keysTakenAwayOpenTheGatewayWithTheSameWarningAsAtStart() throws IOException {
        Path file = write("PORT=0\nAPI_KEYS=alice:sk-alice-1\n");
        try (var gateway = Gateway.start(Settings.load(file, true, Map.of()), new Log(log::add))) {
            write("PORT=0\nAPI_KEYS=\n");
            new Reload(gateway, () -> Settings.load(file, true, Map.of()), new Log(log::add)).run();
            assertEquals(200, TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), HELLO).statusCode());
        }
        assertTrue(log.stream().anyMatch(line -> line.contains("\"level\":\"warn\",\"event\":\"no_api_keys\"")), log.toString());
    }

    @Test
    void reloadsWaitForEachOther() throws Exception {
        var loads = new AtomicInteger();
        var firstLoading = new CountDownLatch(1);
        var letFirstGoOn = new CountDownLatch(1);
        try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0")), new Log(log::add))) {
            var reload = new Reload(gateway, () -> {
                if (loads.incrementAndGet() == 1) {
                    firstLoading.countDown();
                    await(letFirstGoOn);
                }
                return Settings.from(Map.of("PORT", "0", "MAX_MESSAGES", Integer.toString(loads.get())));
            }, new Log(log::add));
            Thread first = Thread.ofVirtual().start(reload::run);
            await(firstLoading);
            Thread second = Thread.ofVirtual().start(reload::run);
            Fleet.await("the second reload waits", () -> second.getState() == Thread.State.BLOCKED || second.getState() == Thread.State.WAITING);
            assertEquals(1, loads.get(), "the second has not begun");
            letFirstGoOn.countDown();
            first.join();
            second.join();
            assertEquals(2, loads.get());
        }
        assertEquals(List.of("settings_reloaded MAX_MESSAGES", "settings_reloaded MAX_MESSAGES"), reloadLines());
    }

    /** The reload lines of the log: the event, and the keys or the reason. */
    private List<String> reloadLines() {
        return log.stream().map(TestHttp::json)
                .filter(line -> line.string("event").orElseThrow().startsWith("settings_"))
                .map(ReloadTest::summary).toList();
    }

    private static String summary(JsonObject line) {
        return line.string("event").orElseThrow() + " " + line.string("keys").or(() -> line.string("reason")).orElse("");
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("gateway.env"), text);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
