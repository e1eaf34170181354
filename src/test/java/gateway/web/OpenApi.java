package gateway.web;

import gateway.json.Json;
import gateway.json.JsonArray;
import gateway.json.JsonObject;
import gateway.json.JsonString;
import gateway.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The gateway's OpenAPI document, read the way the tests need it: operations, responses, codes, headers. */
record OpenApi(JsonObject root) {
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    /** A code in the first cell of a row of a response's table: {@code | `invalid_json` | when |}. */
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| ([^|]*) \\|");
    private static final Pattern CODE = Pattern.compile("`([a-z_]+)`");
    /** Headers of HTTP itself, which the document does not list ({@code Vary: Origin} comes with CORS). */
    static final Set<String> PLAIN_HEADERS = Set.of("date", "content-type", "content-length", "transfer-encoding", "connection", "vary");

    /** One operation: {@code POST /v1/chat/completions} and its object. */
    record Operation(String method, String path, JsonObject json) {
        String route() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    List<Operation> operations() {
        var operations = new ArrayList<Operation>();
        object(root, "paths").members().forEach((path, item) -> ((JsonObject) item).members().forEach((method, op) -> {
            if (METHODS.contains(method)) {
                operations.add(new Operation(method, path, (JsonObject) op));
            }
        }));
        return operations;
    }

    Operation operation(String route) {
        return operations().stream().filter(op -> op.route().equals(route)).findFirst()
                .orElseThrow(() -> new AssertionError("not documented: " + route));
    }

    /** Follows a {@code $ref} (a JSON pointer into this document) until a value that is not one. */
    JsonValue resolve(JsonValue value) {
        while (value instanceof JsonObject o && o.string("$ref").isPresent()) {
            value = pointer(o.string("$ref").get());
        }
        return value;
    }

    /** The value a local reference such as {@code #/components/schemas/Error} names, or null. */
    JsonValue pointer(String ref) {
        if (!ref.startsWith("#/")) {
            return null;
        }
        JsonValue at = root;
        for (String token : ref.substring(2).split("/")) {
            String name = token.replace("~1", "/").replace("~0", "~");
            if (!(at instanceof JsonObject o) || !o.has(name)) {
                return null;
            }
            at = o.get(name);
        }
        return at;
    }

    /** The response an operation documents for a status, resolved; null when it documents none. */
    JsonObject response(Operation op, int status) {
        var responses = object(op.json(), "responses");
        JsonValue response = responses.get(Integer.toString(status));
        return response == null ? null : (JsonObject) resolve(response);
    }

    /** Every response the operations document for this status, resolved. */
    List<JsonObject> responsesWithStatus(int status) {
        var found = new ArrayList<JsonObject>();
        for (Operation op : operations()) {
            JsonObject response = response(op, status);
            if (response != null) {
                found.add(response);
            }
        }
        return found;
    }

    /** The error codes a response's description lists in its table. */
    static Set<String> codes(JsonObject response) {
        var codes = new TreeSet<String>();
        var rows = TABLE_ROW.matcher(response.string("description").orElse(""));
        while (rows.find()) {
            var code = CODE.matcher(rows.group(1));
            while (code.find()) {
                codes.add(code.group(1));
            }
        }
        return codes;
    }

    /** The schema of a response's media type, resolved; null when the response has no such content. */
    JsonObject schema(JsonObject response, String mediaType) {
        var content = response.object("content").orElse(null);
        if (content == null || !content.has(mediaType)) {
            return null;
        }
        return (JsonObject) resolve(((JsonObject) content.get(mediaType)).get("schema"));
    }

    /** The header names a response documents, its own and those any answer may carry, lower case. */
    Set<String> headers(JsonObject response) {
        var names = new TreeSet<String>();
        response.object("headers").ifPresent(h -> h.members().keySet().forEach(n -> names.add(n.toLowerCase(Locale.ROOT))));
        object(root, "x-common-headers").members().keySet().forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        return names;
    }

    /**
     * What a live answer does that its documented response does not say: a header it does not
     * list, a media type it has no schema for, a body off that schema, an event stream framed
     * otherwise than its example ({@link #streamProblems}).
     */
    List<String> problems(JsonObject documented, Http.Answer live) {
        var problems = new ArrayList<String>();
        var headers = headers(documented);
        live.headers().keySet().stream()
                .filter(n -> !PLAIN_HEADERS.contains(n) && !headers.contains(n))
                .forEach(n -> problems.add("the header " + n + " is not documented"));
        String mediaType = live.mediaType();
        JsonObject schema = schema(documented, mediaType);
        if (schema == null) {
            problems.add("no schema for " + mediaType);
        } else if (mediaType.equals("text/event-stream")) {
            String example = string(((JsonObject) object(documented, "content").get(mediaType)).get("example"));
            problems.addAll(streamProblems(schema, example, Http.events(live.body())));
        } else if (mediaType.equals("application/json")) {
            problems.addAll(SchemaCheck.problems(this, schema, Json.parse(live.body())));
        }
        return problems;
    }

    /**
     * What an event stream does that its documentation does not say. It is framed as its
     * example is: unnamed chunks ending with {@code [DONE]}, or (the Responses API) events
     * each named after its {@code type}, ending with the event the example ends with and no
     * {@code [DONE]}. Each is of the schema, except a failure's last frame, which the
     * descriptions promise: the Error schema's, unnamed, then {@code [DONE]}.
     */
    private List<String> streamProblems(JsonObject schema, String example, List<Http.Event> events) {
        var problems = new ArrayList<String>();
        boolean named = example != null && example.contains("event: ");
        boolean done = !events.isEmpty() && events.getLast().data().equals("[DONE]");
        List<Http.Event> frames = done ? events.subList(0, events.size() - 1) : events;
        boolean failed = false;
        for (Http.Event frame : frames) {
            JsonValue chunk = Json.parse(frame.data());
            failed = chunk instanceof JsonObject o && o.has("error");
            problems.addAll(SchemaCheck.problems(this, failed ? pointer("#/components/schemas/Error") : schema, chunk));
            String type = !failed && named && chunk instanceof JsonObject o ? string(o.get("type")) : null;
            if (!Objects.equals(type, frame.name())) {
                problems.add("the event " + frame.data() + " is named " + frame.name() + ", not " + type);
            }
        }
        if (named && !failed) {
            String last = example.substring(example.lastIndexOf("event: ") + 7).lines().findFirst().orElseThrow();
            if (done || frames.isEmpty() || !last.equals(frames.getLast().name())) {
                problems.add("the stream does not end with the event " + last + " alone: " + events);
            }
        } else if (!done) {
            problems.add("the stream does not end with [DONE]: " + events);
        }
        return problems;
    }

    /** The request examples of an operation, by name, in document order. */
    Map<String, JsonValue> requestExamples(Operation op) {
        var examples = new LinkedHashMap<String, JsonValue>();
        op.json().object("requestBody").flatMap(body -> body.object("content"))
                .flatMap(content -> content.object("application/json"))
                .flatMap(media -> media.object("examples"))
                .ifPresent(named -> named.members().forEach((name, example) ->
                        examples.put(name, ((JsonObject) resolve(example)).get("value"))));
        return examples;
    }

    /** Calls {@code visit} with every object of the document, depth first. */
    void forEachObject(Consumer<JsonObject> visit) {
        walk(root, visit);
    }

    private static void walk(JsonValue value, Consumer<JsonObject> visit) {
        if (value instanceof JsonObject o) {
            visit.accept(o);
            o.members().values().forEach(v -> walk(v, visit));
        } else if (value instanceof JsonArray a) {
            a.values().forEach(v -> walk(v, visit));
        }
    }

    static JsonObject object(JsonObject parent, String name) {
        return parent.object(name).orElseThrow(() -> new AssertionError("no object '" + name + "' in " + parent.toJson()));
    }

    static String string(JsonValue value) {
        return value instanceof JsonString s ? s.value() : null;
    }
}
