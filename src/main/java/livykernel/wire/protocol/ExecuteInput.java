package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The {@code execute_input} iopub content: the code as it starts, with its execution count. */
public record ExecuteInput(String code, int executionCount) implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.EXECUTE_INPUT;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("code", code);
        c.put("execution_count", executionCount);
        return c;
    }
}
