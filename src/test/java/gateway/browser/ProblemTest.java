package gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which requests leave the page's origin: no browser needed. */
class ProblemTest {
    static final String ORIGIN = "http://127.0.0.1:8080";

    @ParameterizedTest(name = "{0} foreign: {1}")
    @CsvSource({
        "http://127.0.0.1:8080/ui/api.js,            false",
        "http://127.0.0.1:8080,                      false",
        "http://127.0.0.1:8080/v1/chat/completions,  false",
        "blob:http://127.0.0.1:8080/6f1c0e4e,        false",
        "'data:image/png;base64,iVBORw0KGgo=',       false",
        "about:blank,                                false",
        "http://127.0.0.1:8081/,                     true",  // another port is another origin
        "https://127.0.0.1:8080/,                    true",  // and so is another scheme
        "http://localhost:8080/,                     true",  // and another name for the same host
        "https://cdn.example.com/marked.min.js,      true",
        "blob:https://evil.example/6f1c0e4e,         true",
        "not a url,                                  true",
    })
    void foreignRequests(String url, boolean foreign) {
        assertEquals(foreign, Problem.isForeign(url, ORIGIN));
    }

    @ParameterizedTest
    @CsvSource({
        "http://example.com/a,      http://example.com:80",
        "https://example.com/a?b,   https://example.com:443",
        "http://127.0.0.1:8080/x,   http://127.0.0.1:8080",
    })
    void originsSpellOutThePort(String url, String origin) {
        assertEquals(origin, Problem.originOf(url));
    }
}
