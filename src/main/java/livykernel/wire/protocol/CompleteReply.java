package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

import java.util.List;

/** The complete_reply content; cursor positions are in code points, as the protocol counts them. */
public record CompleteReply(List<String> matches, int cursorStart, int cursorEnd) implements MessageContent {

    public CompleteReply {
        matches = List.copyOf(matches);
    }

    @Override
    public String msgType() {
        return MsgType.COMPLETE_REPLY;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("status", "ok");
        ArrayNode list = c.putArray("matches");
        matches.forEach(list::add);
        c.put("cursor_start", cursorStart);
        c.put("cursor_end", cursorEnd);
        c.putObject("metadata");
        return c;
    }
}
