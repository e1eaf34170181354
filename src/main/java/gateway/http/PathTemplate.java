package gateway.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A route's path with named segments, such as {@code /admin/keys/{id}/rotate}: each
 * {@code {name}} matches exactly one non-empty segment, the others must be equal.
 */
record PathTemplate(String template, String[] segments) {

    PathTemplate(String template) {
        this(template, template.split("/", -1));
    }

    /** The named segments' values, or {@code null} when {@code path} does not match. */
    Map<String, String> match(String path) {
        String[] parts = path.split("/", -1);
        if (parts.length != segments.length) {
            return null;
        }
        var parameters = new LinkedHashMap<String, String>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments[i];
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                parameters.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equals(parts[i])) {
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
