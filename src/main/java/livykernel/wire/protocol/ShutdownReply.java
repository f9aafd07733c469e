package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The shutdown_reply content, echoing whether a restart was asked for. */
public record ShutdownReply(boolean restart) implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.SHUTDOWN_REPLY;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("status", "ok");
        c.put("restart", restart);
        return c;
    }
}
