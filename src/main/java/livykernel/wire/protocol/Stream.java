package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The {@code stream} iopub content; {@code name} is "stdout" or "stderr". */
public record Stream(String name, String text) implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.STREAM;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("name", name);
        c.put("text", text);
        return c;
    }
}
