package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

import java.util.Map;

/** A mime bundle and its metadata, as display_data, update_display_data and execute_result carry them. */
public record MimeBundle(Map<String, Object> data, Map<String, Object> metadata) {

    /** A new object with {@code data} and {@code metadata} (empty objects when null), then {@code transient.display_id} if given. */
    ObjectNode toJson(String displayId) {
        ObjectNode c = Json.object();
        c.set("data", data == null ? Json.object() : Json.mapper().valueToTree(data));
        c.set("metadata", metadata == null ? Json.object() : Json.mapper().valueToTree(metadata));
        if (displayId != null && !displayId.isEmpty()) {
            c.putObject("transient").put("display_id", displayId);
        }
        return c;
    }
}
