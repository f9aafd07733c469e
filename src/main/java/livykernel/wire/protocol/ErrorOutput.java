package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

import java.util.List;

/** The {@code error} iopub content: what front ends show for a failed cell. */
public record ErrorOutput(String ename, String evalue, List<String> traceback) implements MessageContent {

    public ErrorOutput {
        traceback = traceback == null ? List.of() : List.copyOf(traceback);
    }

    @Override
    public String msgType() {
        return MsgType.ERROR;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        write(c, ename, evalue, traceback);
        return c;
    }

    /** ename, evalue and traceback, shared with the execute_reply of a failed cell. */
    static void write(ObjectNode into, String ename, String evalue, List<String> traceback) {
        into.put("ename", ename);
        into.put("evalue", evalue);
        ArrayNode lines = into.putArray("traceback");
        traceback.forEach(lines::add);
    }
}
