package gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The receiver itself: what it answers, and that it reports what an exporter got wrong. */
class OtlpReceiverTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static int post(URI uri, String contentType, String body) throws Exception {
        var request = HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aValidExportIsAcceptedAndItsSpansListed() throws Exception {
        try (var collector = OtlpReceiver.start()) {
            assertEquals(200, post(collector.uri().resolve("/v1/traces"), "application/json", OtlpShapesTest.TRACES));
            collector.assertNoProblems();
            assertEquals("chat m", collector.awaitSpans(1, Duration.ofSeconds(5)).getFirst().string("name").orElseThrow());
        }
    }

    @Test
    void itRecordsEveryFaultAndAssertNoProblemsFails() throws Exception {
        try (var collector = OtlpReceiver.start()) {
            post(collector.uri().resolve("/v1/traces"), "text/plain", OtlpShapesTest.TRACES.replace("\"kind\":3", "\"kind\":9"));
            post(collector.uri().resolve("/v1/logs"), "application/json", "{}");
            post(collector.uri().resolve("/v1/metrics"), "application/json", "{not json");
            assertEquals(List.of(
                    "request 1 (POST /v1/traces): expected Content-Type application/json, not 'text/plain'",
                    "request 1 (POST /v1/traces): resourceSpans[0].scopeSpans[0].spans[0].kind: expected an integer 1..5, not 9",
                    "request 2 (POST /v1/logs): expected /v1/traces or /v1/metrics",
                    "request 3 (POST /v1/metrics): the body is not JSON: expected a string key in the object but found 'n' at line 1, column 2"),
                    collector.problems());
            assertThrows(AssertionFailedError.class, collector::assertNoProblems);
        }
    }

    @Test
    void scriptedAnswersComeFirstThenSuccess() throws Exception {
        try (var collector = OtlpReceiver.start()) {
            collector.answer(503, "1", 2);
            var request = HttpRequest.newBuilder(collector.uri().resolve("/v1/traces")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(OtlpShapesTest.TRACES)).build();
            HttpResponse<String> refused = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(503, HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
            HttpResponse<String> accepted = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, accepted.statusCode());
            assertEquals("{}", accepted.body());
            assertEquals(1, collector.spans().size(), "only the accepted export's spans count");
        }
    }

    @Test
    void awaitingWhatNeverComesFailsAtTheTimeout() {
        try (var collector = OtlpReceiver.start()) {
            assertThrows(AssertionFailedError.class, () -> collector.awaitSpans(1, Duration.ofMillis(50)));
        }
    }
}
