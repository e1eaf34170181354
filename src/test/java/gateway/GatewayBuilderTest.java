package gateway;

import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.Settings;
import gateway.config.SettingsException;
import gateway.json.JsonObject;
import gateway.mock.MockOptions;
import gateway.mock.Shape;
import gateway.openai.ModelRequest;
import gateway.worker.TextWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The builder: what it starts and closes, and the parts it refuses to put together, each with a message that says why. */
class GatewayBuilderTest {
    private static final MockOptions MOCK = MockOptions.defaults().withReply("from the mock");
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");

    private final List<String> log = new CopyOnWriteArrayList<>();

    private GatewayBuilder builder() {
        return Gateway.builder().port(0).log(log::add);
    }

    @Test
    void settingsComeWholeOrKeyByKey() {
        try (var gateway = builder().setting("DEFAULT_MODEL", "tiny").setting("ECHO_TOKEN_DELAY_MS", "0").start()) {
            var reply = json(TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
            assertEquals("tiny", reply.string("model").orElseThrow());
        }
        try (var gateway = Gateway.builder().log(log::add).settings(Settings.from(Map.of("PORT", "0", "DEFAULT_MODEL", "whole"))).start()) {
            assertTrue(gateway.port() > 0);
            assertEquals("whole", json(TestHttp.get(gateway.uri().resolve("/v1/models"))).array("data").orElseThrow()
                    .values().stream().map(m -> ((JsonObject) m).string("id").orElseThrow()).findFirst().orElseThrow());
        }
        var mixed = assertThrows(IllegalStateException.class, () -> builder().settings(Settings.defaults()).setting("PORT", "0"));
        assertEquals("setting(PORT, …) after settings(Settings): give every setting as setting(KEY, value), or none", mixed.getMessage());
        assertThrows(IllegalStateException.class, () -> builder().setting("PORT", "0").settings(Settings.defaults()));
        assertThrows(IllegalStateException.class, () -> builder().settings(Settings.defaults()).mock(MOCK));
        assertThrows(IllegalArgumentException.class, () -> builder().port(70_000));
    }

    @Test
    void mocksStartWithTheGatewayAndCloseAfterIt() {
        Set<Integer> before = LiveResources.listening();
        List<Integer> ports;
        try (var gateway = builder().mock("gpu1", MOCK).mock("gpu2", MOCK).start()) {
            ports = URL.matcher(gateway.mode()).results().map(m -> Integer.parseInt(m.group(1))).toList();
            assertEquals(2, ports.size(), gateway.mode());
            assertTrue(gateway.mode().startsWith("routing (least-loaded) over gpu1 http://127.0.0.1:"), gateway.mode());
            var reply = TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(200, reply.statusCode(), reply.body());
        }
        for (int port : ports) {
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(), "mock on " + port);
        }
        assertTrue(before.containsAll(LiveResources.listening()), "nothing left listening");
    }

    @Test
    void aMockOfAPromptApiIsABackendOfItsKind() {
        var vendor = MockOptions.defaults().toBuilder().shape(Shape.VENDOR_A).reply("vendor says hi").build();
        var unnamed = assertThrows(IllegalArgumentException.class, () -> builder().mock(vendor));
        assertEquals("a mock of the vendor-a API is a backend of BACKENDS with its KIND and PATH: give it a name, "
                + "with mock(name, options)", unnamed.getMessage());
        try (var gateway = builder().mock("vendor", vendor).start()) {
            var reply = json(TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
            assertEquals("vendor says hi", ((JsonObject) reply.array("choices").orElseThrow().get(0)).object("message")
                    .orElseThrow().string("content").orElseThrow());
        }
    }

    @Test
    void oneUnnamedMockOrSeveralNamedOnes() {
        assertEquals("mock(options) makes the one backend of BACKEND_URL, once: for several mocks, name each with mock(name, options)",
                assertThrows(IllegalStateException.class, () -> builder().mock(MOCK).mock(MOCK)).getMessage());
        assertThrows(IllegalStateException.class, () -> builder().mock(MOCK).mock("b", MOCK));
        assertThrows(IllegalStateException.class, () -> builder().mock("b", MOCK).mock(MOCK));
        assertEquals("a mock named b is given twice",
                assertThrows(IllegalStateException.class, () -> builder().mock("b", MOCK).mock("b", MOCK)).getMessage());
    }

    @Test
    void partsThatDoNotGoTogetherAreRefusedAndNothingIsLeftRunning() {
        Set<Integer> before = LiveResources.listening();
        var worker = new TextWorker("w") {
            @Override
            protected String reply(ModelRequest request, String prompt) {
                return prompt;
            }
        };
        var both = assertThrows(IllegalStateException.class, () -> builder().worker(worker).mock("gpu1", MOCK).start());
        assertEquals("worker(...) answers every request in place of the backends, and the settings name backends too (gpu1): "
                + "give one or the other", both.getMessage());
        var nowhere = assertThrows(IllegalStateException.class, () -> builder().routing((c, r, s) -> c.getFirst()).start());
        assertEquals("routing(...) chooses among backends, and there are none: add BACKENDS, BACKEND_URL or mock(...)", nowhere.getMessage());
        var bad = assertThrows(SettingsException.class, () -> builder().mock(MOCK).setting("QUEUE_MAX", "lots").start());
        assertEquals("QUEUE_MAX=lots: expected an integer 0..1000000", bad.getMessage());
        assertTrue(before.containsAll(LiveResources.listening()), "the mocks started were closed");
    }

    @Test
    void aGatewayThatCannotListenClosesItsMocks() throws IOException {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Set<Integer> before = LiveResources.listening();
            var failure = assertThrows(UncheckedIOException.class, () -> builder().mock(MOCK).port(taken.getLocalPort()).start());
            assertTrue(failure.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()), failure.getMessage());
            assertTrue(before.containsAll(LiveResources.listening()), "the mock was closed");
        }
    }

    @Test
    void anAnonymousTextWorkerIsNamedByItsClass() {
        var worker = new TextWorker("w") {
            @Override
            protected String reply(ModelRequest request, String prompt) {
                return prompt;
            }
        };
        try (var gateway = builder().worker(worker).start()) {
            var reply = TestHttp.post(gateway.uri().resolve("/v1/chat/completions"), "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(worker.getClass().getName(), reply.headers().firstValue("X-Gateway-Backend").orElseThrow());
            assertEquals(URI.create("http://127.0.0.1:" + gateway.port()), gateway.uri());
            var ready = TestHttp.json(TestHttp.get(gateway.uri().resolve("/readyz")));
            assertEquals("custom", ready.string("mode").orElseThrow(), "neither the echo nor backends");
        }
    }
}
