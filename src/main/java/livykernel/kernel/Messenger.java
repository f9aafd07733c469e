package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.Header;
import livykernel.wire.Json;
import livykernel.wire.Message;
import livykernel.wire.protocol.MessageContent;
import livykernel.wire.protocol.IopubWelcome;
import livykernel.wire.protocol.Status;

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
    void reply(Request request, MessageContent content) {
        Message m = request.message();
        Message reply = new Message(m.identities(), Header.create(content.msgType(), session, USERNAME),
                m.header().json(), Json.object(), content.toJson(), List.of());
        server.reply(request.channel(), reply);
    }

    void publish(JsonNode parent, MessageContent content) {
        publish(parent, content, Json.object(), List.of());
    }

    void publish(JsonNode parent, MessageContent content, JsonNode metadata, List<byte[]> buffers) {
        String msgType = content.msgType();
        // Clients subscribe to every topic, so the msg_type is a sufficient topic.
        List<byte[]> topic = List.of(msgType.getBytes(StandardCharsets.UTF_8));
        Message message = new Message(topic, Header.create(msgType, session, USERNAME), parent, metadata,
                content.toJson(), buffers);
        server.publish(message);
    }

    /**
     * Greets a new iopub subscriber. The topic frame is what it subscribed to, so that a client
     * subscribed to a prefix gets it too; clients subscribed to everything match any topic.
     */
    void welcome(String subscription) {
        IopubWelcome content = new IopubWelcome(subscription);
        String topic = subscription.isEmpty() ? content.msgType() : subscription;
        server.publish(new Message(List.of(topic.getBytes(StandardCharsets.UTF_8)),
                Header.create(content.msgType(), session, USERNAME), Json.object(), Json.object(), content.toJson(),
                List.of()));
    }

    void status(JsonNode parent, Status state) {
        publish(parent, state);
    }
}
