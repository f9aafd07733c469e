package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The is_complete_reply content; {@code indent} (only with "incomplete") is left out when null. */
public record IsCompleteReply(String status, String indent) implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.IS_COMPLETE_REPLY;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("status", status);
        if (indent != null) {
            c.put("indent", indent);
        }
        return c;
    }
}
