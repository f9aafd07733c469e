package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code execute_result} iopub content: the cell's value, shown as Out[n]. */
public record ExecuteResult(int executionCount, MimeBundle bundle) implements MessageContent {

    @Override
    public String msgType() {
        return MsgType.EXECUTE_RESULT;
    }

    @Override
    public ObjectNode toJson() {
        return bundle.toJson(null).put("execution_count", executionCount);
    }
}
