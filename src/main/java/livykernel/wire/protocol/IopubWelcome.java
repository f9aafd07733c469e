package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The {@code iopub_welcome} content (JEP 65): the topic a new iopub subscriber subscribed to. */
public record IopubWelcome(String subscription) implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.IOPUB_WELCOME;
    }

    @Override
    public ObjectNode toJson() {
        return Json.object().put("subscription", subscription);
    }
}
