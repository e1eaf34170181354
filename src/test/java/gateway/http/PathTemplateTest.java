package gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Route paths with named segments. */
class PathTemplateTest {
    final PathTemplate key = new PathTemplate("/admin/keys/{id}");
    final PathTemplate rotate = new PathTemplate("/admin/keys/{id}/rotate");

    @Test
    void aNamedSegmentMatchesOneSegmentAndGivesItsValue() {
        assertEquals(Map.of("id", "key_0123abcd"), key.match("/admin/keys/key_0123abcd"));
        assertEquals(Map.of("id", "settings-alice"), rotate.match("/admin/keys/settings-alice/rotate"));
        assertEquals(Map.of("a", "1", "b", "2"), new PathTemplate("/x/{a}/y/{b}").match("/x/1/y/2"));
        assertEquals(List.of("a", "b"), List.copyOf(new PathTemplate("/x/{a}/y/{b}").match("/x/1/y/2").keySet()), "in order");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/keys", "/admin/keys/", "/admin/keys//", "/admin/keys/a/", "/admin/keys/a/b",
            "/admin/key/a", "/admin/keys/a/rotate", "admin/keys/a", "//admin/keys/a", "/ADMIN/keys/a"})
    void anythingElseDoesNotMatch(String path) {
        assertNull(key.match(path));
    }

    @Test
    void aTailTakesTheRestOfThePathSlashesIncluded() {
        var model = new PathTemplate("/v1/models/{model...}");
        assertEquals("/v1/models/{model}", model.template(), "named without the dots in logs, metrics and the API reference");
        assertEquals(Map.of("model", "gpt-4o"), model.match("/v1/models/gpt-4o"));
        assertEquals(Map.of("model", "meta-llama/Llama-3.1-8B-Instruct"), model.match("/v1/models/meta-llama/Llama-3.1-8B-Instruct"));
        for (String path : List.of("/v1/models", "/v1/models/", "/v1/models/a/", "/v1/models//a", "/v1/models/a//b", "/v1/model/a")) {
            assertNull(model.match(path), path);
        }
    }

    @Test
    void fixedSegmentsMustBeEqual() {
        assertNull(rotate.match("/admin/keys/a/rotat"));
        assertNull(rotate.match("/admin/keys/a/rotate/"));
        assertNull(rotate.match("/admin/keys//rotate"));
    }

    @Test
    void templatesAreEqualWhenTheirTextIs() {
        assertEquals(new PathTemplate("/admin/keys/{id}"), key);
        assertEquals(new PathTemplate("/admin/keys/{id}").hashCode(), key.hashCode());
        assertNotEquals(rotate, key);
        assertEquals("/admin/keys/{id}", key.template());
    }
}
