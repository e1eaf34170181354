package gateway.telemetry;

import gateway.json.JsonNumber;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import gateway.observe.RequestSummary;
import gateway.openai.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The spans of one finished request, named and described as the OpenTelemetry GenAI
 * semantic conventions have it: a server span ({@code chat {model}}, {@code embeddings {model}}, …) with a child for
 * each wait in the queue and a client span for each backend attempt. Built on the
 * exporter's thread from the request's {@link RequestSummary} and {@link RequestTrace}.
 */
record RequestSpans(RequestSummary summary, RequestTrace trace, Telemetry.Server server) implements SpanSource {

    @Override
    public int spanCount() {
        return 1 + trace.queueWaits().size() + trace.attempts().size();
    }

    @Override
    public List<Span> spans() {
        TraceContext own = trace.span();
        var spans = new ArrayList<Span>(spanCount());
        spans.add(serverSpan(own));
        for (long[] wait : trace.queueWaits()) {
            TraceContext queued = own.child(); // made now: no one needed its id while the request waited
            spans.add(new Span(queued.traceId(), queued.spanIdHex(), queued.parentIdHex(), queued.traceState(), "queue",
                    Span.Kind.INTERNAL, trace.epochNanos(wait[0]), trace.epochNanos(wait[1]),
                    Map.of("gateway.queue.reason", "no free slot"), List.of(), null));
        }
        for (BackendAttempt attempt : trace.attempts()) {
            spans.add(attemptSpan(attempt));
        }
        return spans;
    }

    /** The model operation of the request's route, or null for other routes (models, admin, usage). */
    private Operation operation() {
        for (Operation operation : Operation.values()) {
            if (summary.route().length() == operation.path().length() + 5 && summary.route().endsWith(operation.path())) {
                return operation; // "POST " + its path
            }
        }
        return null;
    }

    private Span serverSpan(TraceContext own) {
        long start = trace.originEpochNanos();
        var a = new LinkedHashMap<String, Object>();
        Operation operation = operation();
        if (operation != null) {
            a.put("gen_ai.operation.name", operation.genAiName());
            a.put("gen_ai.provider.name", trace.attempts().isEmpty() ? "gateway" : trace.attempts().getLast().provider());
            a.put("gen_ai.request.model", trace.requestModel());
            a.put("gen_ai.request.max_tokens", integer(trace.maxTokens()));
            a.put("gen_ai.request.temperature", decimal(trace.temperature()));
            a.put("gen_ai.request.top_p", decimal(trace.topP()));
            a.put("gen_ai.response.id", summary.requestId());
            a.put("gen_ai.response.model", trace.responseModel());
            a.put("gen_ai.response.finish_reasons", trace.finishReasons());
            a.put("gen_ai.usage.input_tokens", summary.promptTokens() < 0 ? null : summary.promptTokens());
            a.put("gen_ai.usage.output_tokens", summary.completionTokens() < 0 ? null : summary.completionTokens());
            a.put("gen_ai.input.messages", trace.input());
            a.put("gen_ai.output.messages", trace.output() == null ? null
                    : "[{\"role\":\"assistant\",\"content\":" + new JsonString(trace.output()).toJson() + "}]");
        }
        a.put("http.request.method", summary.method());
        a.put("http.route", summary.route().equals("unmatched") ? null : summary.route().substring(summary.route().indexOf(' ') + 1));
        a.put("url.path", summary.path());
        a.put("http.response.status_code", summary.status());
        a.put("server.address", server.host());
        a.put("server.port", server.port());
        a.put("client.address", summary.client());
        a.put("error.type", errorType());
        a.put("gateway.request_id", summary.requestId());
        a.put("gateway.api_key.name", summary.caller());
        a.put("gateway.backend", summary.backend());
        a.put("gateway.attempts", summary.attempts() == 0 ? null : summary.attempts());
        a.put("gateway.stream", operation != null ? summary.stream() : null);
        a.values().removeIf(Objects::isNull); // what is not known is left out, not sent empty
        List<Span.Event> events = summary.firstFrameNanos() < 0 ? List.of()
                : List.of(new Span.Event("gen_ai.first_token", start + summary.firstFrameNanos(), Map.of()));
        String name = operation != null ? operation.genAiName() + (trace.requestModel() == null ? "" : " " + trace.requestModel())
                : summary.route().equals("unmatched") ? summary.method() : summary.route();
        return new Span(own.traceId(), own.spanIdHex(), own.parentIdHex(), own.traceState(), name, Span.Kind.SERVER,
                start, start + summary.latencyNanos(), a, events, failed() ? errorType() : null);
    }

    private Span attemptSpan(BackendAttempt attempt) {
        TraceContext span = attempt.span();
        var a = new LinkedHashMap<String, Object>();
        String operation = operation() == null ? "chat" : operation().genAiName();
        a.put("gen_ai.operation.name", operation);
        a.put("gen_ai.provider.name", attempt.provider());
        a.put("gen_ai.request.model", trace.requestModel());
        a.put("server.address", attempt.server().getHost());
        a.put("server.port", port(attempt));
        a.put("error.type", attempt.errorType());
        a.put("gateway.backend", attempt.backend());
        a.values().removeIf(Objects::isNull);
        String name = operation + (trace.requestModel() == null ? "" : " " + trace.requestModel());
        // A client that left is not the backend's failure: its span says why it ended, but is not an error.
        String error = attempt.errorType() == null || attempt.errorType().equals("client_cancelled") ? null : attempt.errorType();
        return new Span(span.traceId(), span.spanIdHex(), span.parentIdHex(), span.traceState(), name, Span.Kind.CLIENT,
                trace.epochNanos(attempt.startNanos()), trace.epochNanos(attempt.endNanos()), a, List.of(), error);
    }

    private static int port(BackendAttempt attempt) {
        int port = attempt.server().getPort();
        return port >= 0 ? port : "https".equalsIgnoreCase(attempt.server().getScheme()) ? 443 : 80;
    }

    /** A server span is an error only when the gateway or its backend failed (5xx), not for a client's mistake (4xx). */
    private boolean failed() {
        return summary.status() >= 500;
    }

    private String errorType() {
        if (summary.errorCode() != null) {
            return summary.errorCode();
        }
        return summary.outcome().equals("ok") ? null : summary.outcome();
    }

    private static Long integer(JsonValue value) {
        return value instanceof JsonNumber n && n.isLong() ? n.longValue() : null;
    }

    private static Double decimal(JsonValue value) {
        return value instanceof JsonNumber n ? n.doubleValue() : null;
    }
}
