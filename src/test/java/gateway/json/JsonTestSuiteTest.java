package gateway.json;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the public JSON conformance suite (nst/JSONTestSuite, test_parsing): every y_
 * file must parse, every n_ file must be rejected with a {@link JsonException}, and
 * no i_ file may make the parser throw anything else or hang.
 */
class JsonTestSuiteTest {

    @TestFactory
    Stream<DynamicTest> mustParse() throws Exception {
        return cases("y_").map(file -> DynamicTest.dynamicTest(name(file), () -> {
            JsonValue value = Json.parse(Files.readAllBytes(file));
            assertEquals(value, Json.parse(Json.write(value)), "write then parse gives the value back");
        }));
    }

    @TestFactory
    Stream<DynamicTest> mustReject() throws Exception {
        return cases("n_").map(file -> DynamicTest.dynamicTest(name(file),
                () -> assertThrows(JsonException.class, () -> Json.parse(Files.readAllBytes(file)))));
    }

    @TestFactory
    Stream<DynamicTest> mayEitherWayButNeverCrash() throws Exception {
        return cases("i_").map(file -> DynamicTest.dynamicTest(name(file), () -> assertDoesNotThrow(() -> {
            try {
                Json.parse(Files.readAllBytes(file));
            } catch (JsonException expected) {
                // rejecting is allowed; any other exception fails the test
            }
        })));
    }

    @org.junit.jupiter.api.Test
    void theSuiteIsComplete() throws Exception {
        // Guards the factories above against silently running on an empty folder.
        assertTrue(cases("y_").count() >= 95, "y_ files");
        assertTrue(cases("n_").count() >= 188, "n_ files");
        assertTrue(cases("i_").count() >= 35, "i_ files");
    }

    private static Stream<Path> cases(String prefix) throws IOException, URISyntaxException {
        var url = JsonTestSuiteTest.class.getResource("/json-test-suite/test_parsing");
        if (url == null) {
            fail("test resource json-test-suite/test_parsing is missing");
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<Path> matching = files.filter(f -> name(f).startsWith(prefix)).sorted().toList();
            return matching.stream();
        }
    }

    private static String name(Path file) {
        return file.getFileName().toString();
    }
}
