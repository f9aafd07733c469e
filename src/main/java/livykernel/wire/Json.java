package livykernel.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson mapper used for Jupyter messages (thread-safe once configured), built on first use. */
public final class Json {

    // A holder, so that the wire's trees (object(), JsonTree) do not build the mapper: see JsonTree.
    private static final class Holder {
        // Unknown fields are tolerated because clients add keys across protocol versions.
        static final ObjectMapper MAPPER = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    private Json() {
    }

    /** The shared mapper, for converting values to and from trees. */
    public static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    /** A new empty object; no mapper needed. */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
