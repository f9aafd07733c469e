package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Header;
import livykernel.wire.Json;
import livykernel.wire.Message;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds and sends this kernel's messages: replies on the channel a request came from,
 * side effects on iopub. Every message gets a fresh msg_id under the kernel's one session id.
 */
final class Messenger {

    static final String USERNAME = "kernel";

    private final KernelServer server;
    private final String session;

    Messenger(KernelServer server, String session) {
        this.server = server;
        this.session = session;
    }

    String session() {
        return session;
    }

    /** Sends a reply to {@code request} with its routing identities and its header as parent. */
    void reply(Request request, String msgType, JsonNode content) {
        Message m = request.message();
        Message reply = new Message(m.identities(), Header.create(msgType, session, USERNAME),
                m.header().json(), Json.object(), content, List.of());
        server.reply(request.channel(), reply);
    }

    void publish(JsonNode parent, String msgType, JsonNode content) {
        publish(parent, msgType, Json.object(), content, List.of());
    }

    void publish(JsonNode parent, String msgType, JsonNode metadata, JsonNode content, List<byte[]> buffers) {
        // Clients subscribe to every topic, so the msg_type is a sufficient topic.
        List<byte[]> topic = List.of(msgType.getBytes(StandardCharsets.UTF_8));
        Message message = new Message(topic, Header.create(msgType, session, USERNAME), parent, metadata,
                content, buffers);
        server.publish(message);
    }

    void status(JsonNode parent, String state) {
        ObjectNode content = Json.object();
        content.put("execution_state", state);
        publish(parent, "status", content);
    }
}
