package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

import java.util.Map;

/** The inspect_reply content; {@code data} is the mime bundle shown when {@code found}. */
public record InspectReply(boolean found, Map<String, Object> data) implements MessageContent {

    public InspectReply {
        data = data == null ? Map.of() : data;
    }

    @Override
    public String msgType() {
        return MsgType.INSPECT_REPLY;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("status", "ok");
        c.put("found", found);
        c.set("data", Json.mapper().valueToTree(data));
        c.putObject("metadata");
        return c;
    }
}
