package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The history_reply content: {@code history} holds [session, line, input] or [session, line, [input, output]] entries. */
public record HistoryReply(ArrayNode history) implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.HISTORY_REPLY;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("status", "ok");
        c.set("history", history);
        return c;
    }
}
