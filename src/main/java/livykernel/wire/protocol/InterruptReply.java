package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The interrupt_reply content: always {@code {"status":"ok"}}. */
public record InterruptReply() implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.INTERRUPT_REPLY;
    }

    @Override
    public ObjectNode toJson() {
        return Json.object().put("status", "ok");
    }
}
