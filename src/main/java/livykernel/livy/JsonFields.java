package livykernel.livy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Livy's answers from Jackson's tree model. The models are built by hand rather than by
 * databind's record binding: binding builds a deserializer per type by reflection (annotation
 * proxies, introspection), about 90 ms and a few hundred classes that a kernel does not need.
 * Missing or null fields read as null (text, lists) or 0 (numbers), as binding gave them.
 */
final class JsonFields {

    private JsonFields() {
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static List<String> texts(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>(v.size());
        v.forEach(e -> out.add(e.isNull() ? null : e.asText()));
        return out;
    }
}
