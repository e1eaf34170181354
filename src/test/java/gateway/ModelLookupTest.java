package gateway;

import static gateway.TestHttp.errorCode;
import static gateway.TestHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import gateway.config.Settings;
import gateway.mock.MockOptions;
import gateway.observe.Log;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/models/{model}}: what an SDK's {@code models.retrieve} asks. */
class ModelLookupTest {
    @Test
    void echoModeHasItsOneModel() {
        try (var gateway = Gateway.start(Settings.from(Map.of("PORT", "0")), new Log(line -> { }))) {
            var found = TestHttp.get(gateway.uri().resolve("/v1/models/echo"));
            assertEquals(200, found.statusCode(), found.body());
            assertEquals("echo", json(found).string("id").orElseThrow());
            assertEquals("model", json(found).string("object").orElseThrow());
            var missing = TestHttp.get(gateway.uri().resolve("/v1/models/gpt-5"));
            assertEquals(404, missing.statusCode());
            assertEquals("model_not_found", errorCode(missing));
            assertEquals("model", json(missing).object("error").orElseThrow().string("param").orElseThrow());
            assertEquals(404, TestHttp.get(gateway.uri().resolve("/v1/models/")).statusCode());
        }
    }

    @Test
    void aBackendsModelByANameWithSlashesAndAnAlias() {
        try (var fleet = Fleet.of(List.of(MockOptions.builder().models("meta-llama/Llama-3.1-8B-Instruct").build()),
                "MODEL_ALIASES", "llama=meta-llama/Llama-3.1-8B-Instruct")) {
            var plain = TestHttp.get(fleet.gateway.uri().resolve("/v1/models/meta-llama/Llama-3.1-8B-Instruct"));
            assertEquals(200, plain.statusCode(), plain.body());
            assertEquals("meta-llama/Llama-3.1-8B-Instruct", json(plain).string("id").orElseThrow());
            var encoded = TestHttp.get(fleet.gateway.uri().resolve("/v1/models/meta-llama%2FLlama-3.1-8B-Instruct"));
            assertEquals(200, encoded.statusCode(), "an SDK may escape the slash");
            var alias = TestHttp.get(fleet.gateway.uri().resolve("/v1/models/llama"));
            assertEquals(200, alias.statusCode(), alias.body());
            assertEquals("meta-llama/Llama-3.1-8B-Instruct", json(alias).string("alias_of").orElseThrow());
            assertEquals(1, fleet.requestLines().stream()
                    .filter(l -> l.string("path").orElse("").equals("/v1/models/llama")).count(), "one log line");
        }
    }
}
