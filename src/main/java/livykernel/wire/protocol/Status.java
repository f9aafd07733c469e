package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The {@code status} iopub content: the kernel's execution state. */
public record Status(String executionState) implements MessageContent {

    public static final Status STARTING = new Status("starting");
    public static final Status BUSY = new Status("busy");
    public static final Status IDLE = new Status("idle");

    @Override
    public String msgType() {
        return MsgType.STATUS;
    }

    @Override
    public ObjectNode toJson() {
        return Json.object().put("execution_state", executionState);
    }
}
