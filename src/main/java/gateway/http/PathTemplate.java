package gateway.http;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A route's path with named segments, such as {@code /admin/keys/{id}/rotate}: each
 * {@code {name}} matches exactly one non-empty segment, the others must be equal. A last
 * segment written {@code {name...}} takes the rest of the path, slashes included: model
 * names such as {@code meta-llama/Llama-3.1-8B-Instruct} have them.
 *
 * @param template the path as logs, metrics and the API reference name it ({@code {name}}, without the dots)
 * @param tail     whether the last named segment takes the rest of the path
 */
record PathTemplate(String template, String[] segments, boolean tail) {

    PathTemplate(String written) {
        this(written.replace("...}", "}"), written.replace("...}", "}").split("/", -1), written.endsWith("...}"));
    }

    /** The named segments' values, or {@code null} when {@code path} does not match. */
    Map<String, String> match(String path) {
        String[] parts = path.split("/", -1);
        if (tail ? parts.length < segments.length : parts.length != segments.length) {
            return null;
        }
        var parameters = new LinkedHashMap<String, String>();
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = tail && i == segments.length - 1;
            String part = last ? String.join("/", Arrays.copyOfRange(parts, i, parts.length)) : parts[i];
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (part.isEmpty() || (last && (part.startsWith("/") || part.endsWith("/") || part.contains("//")))) {
                    return null;
                }
                parameters.put(segment.substring(1, segment.length() - 1), part);
            } else if (!segment.equals(part)) {
                return null;
            }
        }
        return parameters;
    }

    // A record compares arrays by identity: templates are equal when their text is.
    @Override
    public boolean equals(Object other) {
        return other instanceof PathTemplate that && template.equals(that.template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }
}
