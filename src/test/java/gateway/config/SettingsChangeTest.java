package gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.observe.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a reload applies at once, what waits for a restart, and how it is told: by the keys' names alone. */
class SettingsChangeTest {
    static final Settings RUNNING = Settings.from(Map.of("API_KEYS", "alice:sk-alice-secret", "ADMIN_API_KEY", "sk-admin-secret",
            "BACKEND_URL", "http://127.0.0.1:8081", "BACKEND_API_KEY", "sk-backend-secret"));

    @Test
    void theSameSettingsChangeNothing() {
        var change = SettingsChange.between(RUNNING, Settings.from(Map.of("API_KEYS", "alice:sk-alice-secret",
                "ADMIN_API_KEY", "sk-admin-secret", "BACKEND_URL", "http://127.0.0.1:8081/v1", "BACKEND_API_KEY", "sk-backend-secret")));
        assertEquals(List.of(), change.reloaded(), "the same backend, written another way");
        assertEquals(List.of(), change.needRestart());
        assertEquals(List.of(), RUNNING.changedKeys(change.applied()));
    }

    @Test
    void keysLimitsBackendsRoutingAndTheLogLevelTakeEffectAtOnce() {
        var next = Settings.from(Map.of("API_KEYS", "bob:sk-bob-secret", "ADMIN_API_KEY", "sk-admin-secret",
                "BACKENDS", "gpu1", "BACKEND_GPU1_URL", "http://10.0.0.5:8080", "ROUTING", "prefix",
                "RATE_LIMIT_RPM", "60", "MAX_MESSAGES", "10", "MAX_REQUESTS_IN_FLIGHT", "7", "LOG_LEVEL", "warn"));
        var change = SettingsChange.between(RUNNING, next);
        assertEquals(List.of("BACKEND_URL", "BACKEND_API_KEY", "BACKENDS", "BACKEND_GPU1_URL", "BACKEND_GPU1_API_KEY",
                "BACKEND_GPU1_SLOTS", "BACKEND_GPU1_MODELS", "BACKEND_GPU1_WEIGHT", "BACKEND_GPU1_ROLE", "BACKEND_GPU1_KIND",
                "BACKEND_GPU1_PATH", "ROUTING", "MAX_MESSAGES", "MAX_REQUESTS_IN_FLIGHT", "API_KEYS", "RATE_LIMIT_RPM",
                "RATE_LIMIT_BURST", "LOG_LEVEL"), change.reloaded());
        assertEquals(List.of(), change.needRestart());
        assertEquals(List.of(), next.changedKeys(change.applied()));
    }

    @Test
    void whatOnlyARestartChangesKeepsItsRunningValueAndIsNamed() {
        var next = Settings.from(Map.of("API_KEYS", "alice:sk-alice-secret", "ADMIN_API_KEY", "sk-admin-other",
                "BACKEND_URL", "http://127.0.0.1:8081", "BACKEND_API_KEY", "sk-backend-secret",
                "PORT", "9000", "UI_ENABLED", "false", "KEYS_FILE", "/srv/keys.json", "LOG_FILE", "/var/log/gateway.log",
                "OTEL_SERVICE_NAME", "edge", "MAX_BODY_BYTES", "1000"));
        var change = SettingsChange.between(RUNNING, next);
        assertEquals(List.of("MAX_BODY_BYTES"), change.reloaded());
        assertEquals(List.of("PORT", "UI_ENABLED", "ADMIN_API_KEY", "KEYS_FILE", "LOG_FILE", "OTEL_SERVICE_NAME"), change.needRestart());
        assertEquals(List.of("MAX_BODY_BYTES"), RUNNING.changedKeys(change.applied()), "the rest keeps its running value");
        assertEquals(1000, change.applied().limits().maxBodyBytes());
    }

    @Test
    void aSecretThatChangedIsNamedThoughItsRedactedFormIsTheSame() {
        var next = Settings.from(Map.of("API_KEYS", "alice:sk-alice-new", "ADMIN_API_KEY", "sk-admin-secret",
                "BACKEND_URL", "http://127.0.0.1:8081", "BACKEND_API_KEY", "sk-backend-new"));
        assertEquals(RUNNING.effective(), next.effective(), "--print-config cannot tell them apart");
        assertEquals(List.of("BACKEND_API_KEY", "API_KEYS"), SettingsChange.between(RUNNING, next).reloaded());
    }

    @Test
    void theLogNamesTheKeysAndNeverAValue() {
        List<String> lines = new ArrayList<>();
        var next = Settings.from(Map.of("API_KEYS", "alice:sk-alice-new", "ADMIN_API_KEY", "sk-admin-new",
                "BACKEND_URL", "http://127.0.0.1:8081", "BACKEND_API_KEY", "sk-backend-new"));
        SettingsChange.between(RUNNING, next).log(new Log(lines::add));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"level\":\"info\",\"event\":\"settings_reloaded\",\"keys\":\"BACKEND_API_KEY,API_KEYS\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"level\":\"warn\",\"event\":\"settings_reload_needs_restart\",\"keys\":\"ADMIN_API_KEY\""), lines.get(1));
        assertTrue(lines.stream().noneMatch(line -> line.contains("sk-")), lines.toString());

        lines.clear();
        SettingsChange.between(RUNNING, RUNNING).log(new Log(lines::add));
        assertEquals(1, lines.size());
        assertTrue(lines.getFirst().contains("\"event\":\"settings_unchanged\""), lines.getFirst());
    }
}
