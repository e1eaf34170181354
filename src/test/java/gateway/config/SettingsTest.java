package gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.access.InFlightLimit;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreAnEchoGatewayOnLoopback() {
        Settings s = Settings.defaults();
        assertEquals("127.0.0.1", s.server().host());
        assertEquals(8080, s.server().port());
        assertTrue(s.echoMode());
        assertEquals(Duration.ofSeconds(60), s.upstream().timeout());
        assertEquals(4 << 20, s.limits().maxBodyBytes());
        assertEquals(RoutingSettings.Policy.LEAST_LOADED, s.routing().policy());
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8080,             http://127.0.0.1:8080",
        "http://127.0.0.1:8080/,            http://127.0.0.1:8080",
        "https://api.openai.com/v1,         https://api.openai.com",
        "http://localhost:11434/v1/,        http://localhost:11434",
        "http://gpu-box:8000/openai/v1,     http://gpu-box:8000/openai",
    })
    void backendUrlIsTheBaseAddressWithOrWithoutV1(String value, String base) {
        BackendSettings single = Settings.from(Map.of("BACKEND_URL", value)).upstream().backends().getFirst();
        assertEquals(URI.create(base), single.url());
        assertEquals("default", single.name());
        assertTrue(single.anyModel(), "one backend takes every model, as before there were several");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PORT              | abc           | PORT=abc: expected an integer 0..65535",
        "PORT              | 70000         | PORT=70000: expected an integer 0..65535",
        "BACKEND_URL       | ftp://x       | BACKEND_URL=ftp://x: expected an http:// or https:// URL such as http://127.0.0.1:8081 or https://api.openai.com/v1",
        "BACKEND_URL       | localhost:80  | BACKEND_URL=localhost:80: expected an http:// or https:// URL such as http://127.0.0.1:8081 or https://api.openai.com/v1",
        "BACKEND_URL       | ftp://me:pw@x | BACKEND_URL=ftp://<redacted>@x: expected an http:// or https:// URL such as http://127.0.0.1:8081 or https://api.openai.com/v1",
        "MAX_BODY_BYTES    | 0             | MAX_BODY_BYTES=0: expected an integer 1..1073741824",
        "HOST              | ' '           | HOST= : expected a value",
        "MAX_REQUESTS_IN_FLIGHT | -1       | MAX_REQUESTS_IN_FLIGHT=-1: expected an integer 0..1000000",
        "LOG_LEVEL         | verbose       | LOG_LEVEL=verbose: expected one of debug, info, warn, error",
    })
    void badValuesNameTheKeyTheValueAndWhatWasExpected(String key, String value, String message) {
        var e = assertThrows(SettingsException.class, () -> Settings.from(Map.of(key, value)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void environmentOverridesTheFileWhichOverridesTheDefaults() throws IOException {
        Path file = write("PORT=9000\nDEFAULT_MODEL=from-file\n");
        Settings s = Settings.load(file, true, Map.of("PORT", "9100", "UNRELATED", "ignored"));
        assertEquals(9100, s.server().port());
        assertEquals("from-file", s.upstream().defaultModel());
        assertEquals("127.0.0.1", s.server().host());
    }

    @Test
    void aMissingDefaultFileIsFineButANamedOneIsAnError() {
        Path missing = dir.resolve("nope.env");
        assertEquals(8080, Settings.load(missing, false, Map.of()).server().port());
        var e = assertThrows(SettingsException.class, () -> Settings.load(missing, true, Map.of()));
        assertEquals("env file not found: " + missing, e.getMessage());
    }

    @Test
    void aTypoInTheFileIsReportedNotIgnored() throws IOException {
        Path file = write("BACKEND_ULR=http://x\n");
        var e = assertThrows(SettingsException.class, () -> Settings.load(file, false, Map.of()));
        assertEquals(file + ": unknown key BACKEND_ULR", e.getMessage());
    }

    @Test
    void envFileSyntax() throws IOException {
        Path file = write("""
                # a comment

                export HOST=0.0.0.0
                BACKEND_URL="http://127.0.0.1:8081"   # quoted, with a comment
                BACKEND_API_KEY='sk-a#b'
                DEFAULT_MODEL=llama 3 # unquoted values end at " #"
                PORT = 8090
                """);
        Map<String, String> values = EnvFile.read(file);
        assertEquals(Map.of("HOST", "0.0.0.0", "BACKEND_URL", "http://127.0.0.1:8081", "BACKEND_API_KEY", "sk-a#b",
                "DEFAULT_MODEL", "llama 3", "PORT", "8090"), values);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "just words             | 1: expected KEY=value, found a line without '='",
        "PORT=\"8080            | 1: missing closing \"",
        "1PORT=8080             | 1: '1PORT' is not a valid key name",
        "PORT='1' x             | 1: unexpected text after the closing quote",
    })
    void envFileErrorsNameTheLine(String line, String message) throws IOException {
        Path file = write(line + "\n");
        var e = assertThrows(SettingsException.class, () -> EnvFile.read(file));
        assertEquals(file + ":" + message, e.getMessage());
    }

    @Test
    void gatewayEnvDocumentsEveryKeyWithItsDefault() {
        // The project's own gateway.env (tests run from the project's top level).
        Map<String, String> documented = EnvFile.read(Path.of("gateway.env"));
        assertEquals(Settings.DEFAULTS, documented);
    }

    @Test
    void requestsInFlightAreLimitedByTheHeapUnlessSet() {
        assertEquals(InFlightLimit.forHeap(Runtime.getRuntime().maxMemory()), Settings.defaults().limits().maxRequestsInFlight());
        assertEquals(5, Settings.from(Map.of("MAX_REQUESTS_IN_FLIGHT", "5")).limits().maxRequestsInFlight());
    }

    @Test
    void anErrorMessageNeverShowsASecretItMayReachTheLogOnReload() {
        assertEquals("<redacted>", SettingValues.shown("BACKEND_GPU1_API_KEY", "sk-secret"));
        assertEquals("<redacted>", SettingValues.shown("API_KEYS", "alice:sk-secret"));
        assertEquals("<redacted>", SettingValues.shown("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer x"));
        assertEquals("https://<redacted>@host/v1", SettingValues.shown("BACKEND_URL", "https://user:pw@host/v1"));
        assertEquals("http://127.0.0.1:8081", SettingValues.shown("BACKEND_URL", "http://127.0.0.1:8081"));
    }

    @Test
    void effectiveSettingsListEveryKeyInOrderWithSecretsRedacted() {
        Settings s = Settings.from(Map.of("API_KEYS", "alice:sk-alice-secret,sk-unnamed-secret",
                "BACKEND_API_KEY", "sk-backend-secret", "BACKEND_URL", "http://127.0.0.1:8081/v1/"));
        var effective = s.effective();
        assertEquals(List.copyOf(Settings.DEFAULTS.keySet()), List.copyOf(effective.keySet()));
        assertFalse(effective.toString().contains("secret"), effective.toString());
        assertEquals("<redacted>", effective.get("BACKEND_API_KEY"));
        assertTrue(effective.get("API_KEYS").matches("<redacted> \\(alice, key-[0-9a-f]{8}\\)"), effective.get("API_KEYS"));
        assertEquals("http://127.0.0.1:8081", effective.get("BACKEND_URL"));
        assertEquals(Integer.toString(s.limits().maxRequestsInFlight()), effective.get("MAX_REQUESTS_IN_FLIGHT"), "resolved, not 0");
    }

    @Test
    void effectiveSettingsWithoutSecretsReadBackToThemselves() {
        Settings s = Settings.from(Map.of("PORT", "9000", "LOG_FILE", "/tmp/gateway.log", "RATE_LIMIT_RPM", "60",
                "DEFAULT_MODEL", "m", "BACKEND_TIMEOUT_SECONDS", "5", "ECHO_TOKEN_DELAY_MS", "7"));
        assertEquals(s.effective(), Settings.from(s.effective()).effective());
        assertEquals("", Settings.defaults().effective().get("BACKEND_API_KEY"), "nothing to redact");
    }

    @Test
    void theKeyStoreIsAFileAndTildeIsTheHomeFolder() {
        assertNull(Settings.defaults().access().keysFile(), "none by default");
        assertNull(Settings.from(Map.of("KEYS_FILE", "  ")).access().keysFile());
        assertEquals(Path.of("/srv/gateway/keys.json"), Settings.from(Map.of("KEYS_FILE", "/srv/gateway/keys.json")).access().keysFile());
        assertEquals(Path.of(System.getProperty("user.home"), ".gateway", "keys.json"),
                Settings.from(Map.of("KEYS_FILE", "~/.gateway/keys.json")).access().keysFile());
        var effective = Settings.from(Map.of("KEYS_FILE", "/srv/keys.json", "ADMIN_API_KEY", "admin-secret")).effective();
        assertEquals("/srv/keys.json", effective.get("KEYS_FILE"));
        assertEquals("<redacted>", effective.get("ADMIN_API_KEY"));
    }

    @Test
    void withPortCopiesEverythingElse() {
        Settings s = Settings.from(Map.of("DEFAULT_MODEL", "m")).withPort(0);
        assertEquals(0, s.server().port());
        assertEquals("m", s.upstream().defaultModel());
        assertTrue(s.echoMode());
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("test.env");
        Files.writeString(file, content);
        return file;
    }
}
