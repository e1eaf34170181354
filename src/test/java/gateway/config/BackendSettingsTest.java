package gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.config.BackendSettings.Kind;
import gateway.config.BackendSettings.Role;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** BACKENDS and each backend's BACKEND_<NAME>_* keys, MODEL_ALIASES and the routing keys. */
class BackendSettingsTest {
    @TempDir
    Path dir;

    /** Settings from {@code KEY=value;KEY=value}. */
    static Settings settings(String pairs) {
        var values = new HashMap<String, String>();
        for (String pair : pairs.split(";")) {
            if (!pair.isBlank()) {
                values.put(pair.substring(0, pair.indexOf('=')).strip(), pair.substring(pair.indexOf('=') + 1).strip());
            }
        }
        return Settings.from(values);
    }

    @Test
    void severalBackendsAreDeclaredByNameEachWithItsOwnKeys() {
        Settings s = settings("BACKENDS=gpu-1, openai,vendor;"
                + "BACKEND_GPU_1_URL=http://10.0.0.5:8080/v1;BACKEND_GPU_1_SLOTS=4;BACKEND_GPU_1_MODELS=llama-3.1-8b, qwen;BACKEND_GPU_1_WEIGHT=2;"
                + "BACKEND_OPENAI_URL=https://api.openai.com/v1;BACKEND_OPENAI_API_KEY=sk-x;BACKEND_OPENAI_ROLE=Fallback;"
                + "BACKEND_VENDOR_URL=http://127.0.0.1:9000/v1;BACKEND_VENDOR_KIND=prompt;BACKEND_VENDOR_PATH=/vendor-a/messages;BACKEND_VENDOR_MODELS=*");
        List<BackendSettings> backends = s.upstream().backends();
        assertEquals(List.of("gpu-1", "openai", "vendor"), backends.stream().map(BackendSettings::name).toList());

        BackendSettings gpu = backends.get(0);
        assertEquals(URI.create("http://10.0.0.5:8080"), gpu.url());
        assertEquals(4, gpu.slots());
        assertEquals(List.of("llama-3.1-8b", "qwen"), gpu.models());
        assertFalse(gpu.anyModel());
        assertEquals(2, gpu.weight());
        assertEquals(Role.PRIMARY, gpu.role());
        assertEquals(Kind.OPENAI, gpu.kind());

        BackendSettings openai = backends.get(1);
        assertEquals("sk-x", openai.apiKey());
        assertEquals(Role.FALLBACK, openai.role());
        assertEquals(List.of(), openai.models(), "none listed: discovered from its /v1/models");
        assertEquals(0, openai.slots(), "no limit by default");
        assertEquals(1, openai.weight());

        BackendSettings vendor = backends.get(2);
        assertEquals(Kind.PROMPT, vendor.kind());
        assertEquals("/vendor-a/messages", vendor.path());
        assertEquals(URI.create("http://127.0.0.1:9000/v1"), vendor.url(), "a prompt API keeps its path as given");
        assertTrue(vendor.anyModel());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_B_URL=http://y        | BACKEND_B_URL: names no backend of BACKENDS=a",
        "BACKEND_GPU_URL=http://y                                         | BACKEND_GPU_URL: unknown setting (a backend's own keys need its name in BACKENDS)",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_A_SLOT=4               | BACKEND_A_SLOT: not a backend setting (each backend has URL, API_KEY, SLOTS, MODELS, WEIGHT, ROLE, KIND, PATH)",
        "BACKENDS=a,b;BACKEND_A_URL=http://x                              | BACKEND_B_URL is missing: every backend named in BACKENDS needs a URL",
        "BACKENDS=a,A;BACKEND_A_URL=http://x                              | BACKENDS=a,A: 'A' is named twice",
        "BACKENDS=gpu-1,gpu_1;BACKEND_GPU_1_URL=http://x                  | BACKENDS=gpu-1,gpu_1: 'gpu_1' is not a backend name (letters and digits, joined by '-')",
        "BACKENDS=default;BACKEND_DEFAULT_URL=http://x                    | BACKENDS=default: 'default' is the name of the BACKEND_URL backend; choose another",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_A_SLOTS=four           | BACKEND_A_SLOTS=four: expected an integer 0..100000",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_A_WEIGHT=-1            | BACKEND_A_WEIGHT=-1: expected an integer 0..1000",
        "BACKENDS=a;BACKEND_A_URL=ftp://x                                 | BACKEND_A_URL=ftp://x: expected an http:// or https:// URL such as http://127.0.0.1:8081 or https://api.openai.com/v1",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_A_ROLE=backup          | BACKEND_A_ROLE=backup: expected one of primary, fallback",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_A_ROLE=fallback        | BACKENDS=a: every backend has ROLE=fallback; at least one must be primary",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_A_KIND=prompt          | BACKEND_A_PATH=: expected the path of the prompt API, such as /chat (needed with BACKEND_A_KIND=prompt)",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_A_PATH=/chat           | BACKEND_A_PATH=/chat: only a backend with BACKEND_A_KIND=prompt has a PATH",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_A_MODELS=m,*           | BACKEND_A_MODELS=m,*: expected * alone (any model), or model names",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_URL=http://y           | BACKEND_URL and BACKENDS are both set: use BACKEND_URL for one backend, or BACKENDS with BACKEND_<NAME>_URL for each of several",
        "BACKENDS=a;BACKEND_A_URL=http://x;BACKEND_API_KEY=sk             | BACKEND_API_KEY goes with BACKEND_URL; with BACKENDS, set BACKEND_<NAME>_API_KEY",
        "ROUTING=fastest                                                  | ROUTING=fastest: expected one of least-loaded, prefix, round-robin",
        "MODEL_ALIASES=fast                                               | MODEL_ALIASES: expected alias=model pairs separated by commas, found 'fast'",
        "MODEL_ALIASES=a=b,a=c                                            | MODEL_ALIASES: 'a' is given twice",
        "MODEL_ALIASES=a=a                                                | MODEL_ALIASES: 'a' is an alias of itself",
        "FAILOVER_ATTEMPTS=0                                              | FAILOVER_ATTEMPTS=0: expected an integer 1..10",
        "ADMIN_API_KEY=a,b                                                | ADMIN_API_KEY: expected one key, without commas or spaces",
    })
    void eachMistakeStopsTheStartWithOneLineNamingTheKey(String pairs, String message) {
        var e = assertThrows(SettingsException.class, () -> settings(pairs));
        assertEquals(message, e.getMessage());
    }

    @Test
    void routingKeys() {
        Settings s = settings("ROUTING=Prefix;MODEL_ALIASES=gpt-4o-mini=llama-3.1-8b, fast = qwen;FAILOVER_ATTEMPTS=3;"
                + "SESSION_TTL_SECONDS=0;QUEUE_MAX=0;QUEUE_TIMEOUT_SECONDS=5;HEALTH_INTERVAL_SECONDS=2");
        RoutingSettings r = s.routing();
        assertEquals(RoutingSettings.Policy.PREFIX, r.policy());
        assertEquals(Map.of("gpt-4o-mini", "llama-3.1-8b", "fast", "qwen"), r.aliases());
        assertEquals(3, r.attempts());
        assertTrue(r.sessionTtl().isZero());
        assertEquals(0, r.queueMax());
        assertEquals(5, r.queueTimeout().toSeconds());
        assertEquals(2, r.healthInterval().toSeconds());
    }

    @Test
    void aBackendsKeysMayComeFromTheEnvironmentOnceBackendsNamesIt() throws IOException {
        Path file = dir.resolve("test.env");
        Files.writeString(file, "BACKEND_GPU1_SLOTS=2\n");
        Settings s = Settings.load(file, true, Map.of("BACKENDS", "gpu1", "BACKEND_GPU1_URL", "http://10.0.0.5:8080",
                "BACKEND_OTHER_URL", "http://ignored", "BACKEND_GPU1_SLOTS", "3"));
        BackendSettings gpu = s.upstream().backends().getFirst();
        assertEquals(URI.create("http://10.0.0.5:8080"), gpu.url());
        assertEquals(3, gpu.slots(), "the environment wins over the file");
        assertEquals(1, s.upstream().backends().size(), "another program's BACKEND_OTHER_URL is not ours to read");

        Files.writeString(file, "BACKENDS=gpu1\nBACKEND_GPU1_URL=http://x\nBACKEND_GPU2_URL=http://y\n");
        var e = assertThrows(SettingsException.class, () -> Settings.load(file, true, Map.of()));
        assertEquals(file + ": unknown key BACKEND_GPU2_URL (it names no backend of BACKENDS=gpu1)", e.getMessage());
    }

    @Test
    void effectiveSettingsListEachBackendsKeysWithItsKeyRedactedAndReadBack() {
        Settings s = settings("BACKENDS=gpu1,openai;BACKEND_GPU1_URL=http://10.0.0.5:8080;BACKEND_GPU1_SLOTS=4;"
                + "BACKEND_OPENAI_URL=https://api.openai.com/v1;BACKEND_OPENAI_API_KEY=sk-openai-secret;BACKEND_OPENAI_ROLE=fallback;"
                + "MODEL_ALIASES=b=y,a=x");
        var effective = s.effective();
        assertFalse(effective.toString().contains("secret"), effective.toString());
        assertEquals("<redacted>", effective.get("BACKEND_OPENAI_API_KEY"));
        assertEquals("4", effective.get("BACKEND_GPU1_SLOTS"));
        assertEquals("fallback", effective.get("BACKEND_OPENAI_ROLE"));
        assertEquals("a=x,b=y", effective.get("MODEL_ALIASES"));
        var keys = List.copyOf(effective.keySet());
        assertEquals(keys.indexOf("BACKENDS") + 1, keys.indexOf("BACKEND_GPU1_URL"), "each backend's keys follow BACKENDS");

        Settings noSecrets = settings("BACKENDS=gpu1;BACKEND_GPU1_URL=http://10.0.0.5:8080;BACKEND_GPU1_MODELS=*;ROUTING=prefix");
        assertEquals(noSecrets.effective(), Settings.from(noSecrets.effective()).effective());
    }
}
