package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/** The comm_info_reply content: each open comm's id and target name. */
public record CommInfoReply(Map<String, String> targetNamesById) implements MessageContent {

    public CommInfoReply {
        targetNamesById = new LinkedHashMap<>(targetNamesById);
    }

    @Override
    public String msgType() {
        return MsgType.COMM_INFO_REPLY;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("status", "ok");
        ObjectNode comms = c.putObject("comms");
        targetNamesById.forEach((id, target) -> comms.putObject(id).put("target_name", target));
        return c;
    }
}
