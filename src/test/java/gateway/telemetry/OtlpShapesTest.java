package gateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.json.Json;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The receiver's checker must reject what a collector would misread: a checker that passes everything proves nothing. */
class OtlpShapesTest {
    static final String TRACES = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"gateway"}}]},
             "scopeSpans":[{"scope":{"name":"gateway"},"spans":[
              {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","parentSpanId":"a3ce929d0e0e4736",
               "name":"chat m","kind":3,"startTimeUnixNano":"100","endTimeUnixNano":"250",
               "attributes":[{"key":"n","value":{"intValue":"-12"}},{"key":"d","value":{"doubleValue":0.5}},
                             {"key":"b","value":{"boolValue":true}},{"key":"l","value":{"arrayValue":{"values":[{"stringValue":"stop"}]}}}],
               "events":[{"timeUnixNano":"120","name":"first_token"}],
               "status":{"code":2,"message":"failed"}}]}]}]}
            """;

    static final String METRICS = """
            [{"name":"requests","unit":"{request}","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[
               {"attributes":[{"key":"status","value":{"stringValue":"200"}}],"startTimeUnixNano":"100","timeUnixNano":"200","asInt":"7"},
               {"attributes":[{"key":"status","value":{"stringValue":"502"}}],"startTimeUnixNano":"100","timeUnixNano":"200","asInt":"1"}]}},
             {"name":"in_flight","gauge":{"dataPoints":[{"timeUnixNano":"200","asDouble":3}]}},
             {"name":"duration","unit":"s","histogram":{"aggregationTemporality":2,"dataPoints":[
               {"startTimeUnixNano":"100","timeUnixNano":"200","count":"3","sum":0.7,
                "bucketCounts":["1","2","0"],"explicitBounds":[0.1,1]}]}}]
            """;

    static String metricsRequest(String metrics) {
        return """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"g"}}]},
                 "scopeMetrics":[{"scope":{"name":"gateway"},"metrics":%s}]}]}""".formatted(metrics);
    }

    @Test
    void validRequestsHaveNoProblems() {
        assertEquals(List.of(), OtlpShapes.traces(Json.parse(TRACES)));
        assertEquals(List.of(), OtlpShapes.metrics(Json.parse(metricsRequest(METRICS))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            uppercase trace id  | "4bf92f3577b34da6a3ce929d0e0e4736"      | "4BF92F3577B34DA6A3CE929D0E0E4736" | spans[0].traceId: expected 32 lowercase hex
            all-zero span id    | "00f067aa0ba902b7"                      | "0000000000000000"                 | spans[0].spanId: expected 16 lowercase hex
            short parent id     | "a3ce929d0e0e4736"                      | "a3ce"                             | spans[0].parentSpanId: expected 16
            empty name          | "chat m"                                | ""                                 | spans[0].name: expected a non-empty string
            kind 0              | "kind":3                                | "kind":0                           | spans[0].kind: expected an integer 1..5
            time as a number    | "startTimeUnixNano":"100"               | "startTimeUnixNano":100            | spans[0].startTimeUnixNano: expected a string of decimal digits
            end before start    | "endTimeUnixNano":"250"                 | "endTimeUnixNano":"50"             | spans[0].endTimeUnixNano: expected at or after startTimeUnixNano
            intValue a number   | {"intValue":"-12"}                      | {"intValue":-12}                   | attributes[0].value.intValue: expected a string of decimal digits
            two value members   | {"doubleValue":0.5}                     | {"doubleValue":0.5,"intValue":"1"} | attributes[1].value: expected exactly one of
            boolValue a string  | {"boolValue":true}                      | {"boolValue":"true"}               | attributes[2].value.boolValue: expected true or false
            duplicate key       | {"key":"d"                              | {"key":"n"                         | attributes[1].key: duplicate key n
            misspelt member     | "endTimeUnixNano"                       | "endTimeUnixNanos"                 | spans[0].endTimeUnixNanos: unknown member
            event without time  | "timeUnixNano":"120",                   | ''                                 | events[0].timeUnixNano: expected a string of decimal digits
            status code 3       | "code":2                                | "code":3                           | status.code: expected 0, 1 or 2
            no service.name     | service.name                            | service                            | resource.attributes: expected a service.name
            no scope name       | "scope":{"name":"gateway"}              | "scope":{}                         | scopeSpans[0].scope.name: expected a non-empty string
            no spans            | "spans":[                               | "spans":[],"x":[                   | scopeSpans[0].spans: expected a non-empty array
            """)
    void badSpansAreProblems(String what, String from, String to, String problem) {
        String body = TRACES.replace(from, to);
        assertTrue(!body.equals(TRACES), "the case changes the request");
        List<String> problems = OtlpShapes.traces(Json.parse(body));
        assertTrue(problems.stream().anyMatch(p -> p.contains(problem)), what + ": " + problems);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            delta temporality   | "aggregationTemporality":2,"isMonotonic" | "aggregationTemporality":1,"isMonotonic" | sum.aggregationTemporality: expected 2
            no isMonotonic      | "isMonotonic":true,                      | ''                                       | sum.isMonotonic: expected true or false
            asInt a number      | "asInt":"7"                              | "asInt":7                                | dataPoints[0].asInt: expected a string of decimal digits
            no value            | ,"asInt":"1"                             | ''                                       | dataPoints[1]: expected exactly one of asInt and asDouble
            two data kinds      | "gauge":{                                | "sum":{"dataPoints":[]},"gauge":{        | metrics[1]: expected exactly one of sum, gauge and histogram
            count a number      | "count":"3"                              | "count":3                                | dataPoints[0].count: expected a string of decimal digits
            too few buckets     | ["1","2","0"]                            | ["1","2"]                                | bucketCounts: expected 3 counts
            buckets miscounted  | ["1","2","0"]                            | ["1","1","0"]                            | bucketCounts: sum 2 differs from count 3
            bounds descending   | [0.1,1]                                  | [1,0.1]                                  | explicitBounds[1]: expected bounds in strictly ascending order
            sum a string        | "sum":0.7                                | "sum":"0.7"                              | dataPoints[0].sum: expected a number
            no start time       | "startTimeUnixNano":"100","timeUnixNano":"200","count" | "timeUnixNano":"200","count" | histogram.dataPoints[0].startTimeUnixNano: expected a string
            no metric name      | "name":"in_flight",                      | ''                                       | metrics[1].name: expected a non-empty string
            """)
    void badMetricsAreProblems(String what, String from, String to, String problem) {
        String metrics = METRICS.replace(from, to);
        assertTrue(!metrics.equals(METRICS), "the case changes the request");
        List<String> problems = OtlpShapes.metrics(Json.parse(metricsRequest(metrics)));
        assertTrue(problems.stream().anyMatch(p -> p.contains(problem)), what + ": " + problems);
    }
}
