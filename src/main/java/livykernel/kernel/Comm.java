package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.Message;
import livykernel.wire.protocol.CommMessage;

import java.util.List;
import java.util.function.Consumer;

/**
 * One open comm (kernel or front-end opened). Sends go to iopub; messages from the front end
 * reach the listener on the execution thread. Every publication names its parent header: the
 * cell's {@link RequestContext#parent()}, or the incoming comm message's header when answering
 * the front end, so output lands in the right cell.
 */
public final class Comm {

    /** Receives comm_msg data from the front end. */
    @FunctionalInterface
    public interface Listener {
        void message(Comm comm, JsonNode data, Message message);
    }

    private final String id;
    private final String targetName;
    private final CommManager manager;
    private volatile Listener listener = (c, d, m) -> { };
    private volatile Consumer<JsonNode> closeListener = d -> { };
    private volatile boolean closed;

    Comm(String id, String targetName, CommManager manager) {
        this.id = id;
        this.targetName = targetName;
        this.manager = manager;
    }

    public String id() {
        return id;
    }

    public String targetName() {
        return targetName;
    }

    public boolean isClosed() {
        return closed;
    }

    public void onMessage(Listener l) {
        listener = l == null ? (c, d, m) -> { } : l;
    }

    /** Called with the close data when the front end closes the comm. */
    public void onClose(Consumer<JsonNode> l) {
        closeListener = l == null ? d -> { } : l;
    }

    /** Publishes comm_msg with an explicit parent header, message metadata and binary buffers. */
    public void send(JsonNode data, JsonNode metadata, List<byte[]> buffers, JsonNode parent) {
        if (closed) {
            return;
        }
        manager.messenger().publish(parent, new CommMessage.Msg(id, data), metadata, buffers);
    }

    /** Publishes comm_close (the front end then drops its model) and forgets the comm. */
    public void close(JsonNode data, JsonNode parent) {
        if (closed) {
            return;
        }
        closed = true;
        manager.forget(id);
        manager.messenger().publish(parent, new CommMessage.Close(id, data));
    }

    void deliver(JsonNode data, Message message) {
        listener.message(this, data, message);
    }

    void closedByFrontEnd(JsonNode data) {
        closed = true;
        closeListener.accept(data);
    }
}
