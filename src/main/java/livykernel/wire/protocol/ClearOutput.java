package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The {@code clear_output} iopub content; with {@code waitForNewOutput} the front end clears when new output comes. */
public record ClearOutput(boolean waitForNewOutput) implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.CLEAR_OUTPUT;
    }

    @Override
    public ObjectNode toJson() {
        return Json.object().put("wait", waitForNewOutput);
    }
}
