package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/**
 * The content of comm_open, comm_msg and comm_close: the comm id and its data ({} when null);
 * comm_open adds the target name.
 */
public sealed interface CommMessage extends MessageContent {

    String commId();

    JsonNode data();

    @Override
    default ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("comm_id", commId());
        c.set("data", data() == null ? Json.object() : data());
        return c;
    }

    /** comm_open: the front end creates its side of the comm for {@code targetName}. */
    record Open(String commId, String targetName, JsonNode data) implements CommMessage {
        @Override
        public String msgType() {
            return MsgType.COMM_OPEN;
        }

        @Override
        public ObjectNode toJson() {
            return CommMessage.super.toJson().put("target_name", targetName);
        }
    }

    /** comm_msg: data for the other side's listener. */
    record Msg(String commId, JsonNode data) implements CommMessage {
        @Override
        public String msgType() {
            return MsgType.COMM_MSG;
        }
    }

    /** comm_close: the comm is gone on this side. */
    record Close(String commId, JsonNode data) implements CommMessage {
        @Override
        public String msgType() {
            return MsgType.COMM_CLOSE;
        }
    }
}
