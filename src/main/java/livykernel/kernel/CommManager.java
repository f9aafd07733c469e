package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.Json;
import livykernel.wire.Message;
import livykernel.wire.protocol.CommInfoReply;
import livykernel.wire.protocol.CommMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The comm registry: targets by name, open comms by id. Routes front-end comm_open/msg/close,
 * answers comm_info, and lets kernel code open comms of its own (widgets).
 */
public final class CommManager {

    private static final Logger LOG = LoggerFactory.getLogger(CommManager.class);

    private final Messenger messenger;
    private final Map<String, CommTarget> targets = new ConcurrentHashMap<>();
    private final Map<String, Comm> comms = new ConcurrentHashMap<>();

    CommManager(Messenger messenger) {
        this.messenger = messenger;
    }

    public void registerTarget(String targetName, CommTarget target) {
        targets.put(targetName, target);
    }

    public void unregisterTarget(String targetName) {
        targets.remove(targetName);
    }

    /**
     * Opens a comm from the kernel side: publishes comm_open (message {@code metadata}, e.g.
     * {"version":"2.1.0"} for widgets) with the given parent header.
     */
    public Comm open(String targetName, JsonNode data, JsonNode metadata, JsonNode parent) {
        Comm comm = new Comm(UUID.randomUUID().toString().replace("-", ""), targetName, this);
        comms.put(comm.id(), comm);
        messenger.publish(parent, new CommMessage.Open(comm.id(), targetName, data),
                metadata == null ? Json.object() : metadata, List.of());
        return comm;
    }

    public Comm get(String commId) {
        return comms.get(commId);
    }

    Messenger messenger() {
        return messenger;
    }

    void forget(String commId) {
        comms.remove(commId);
    }

    void handleOpen(Message request) {
        JsonNode c = request.content();
        String id = c.path("comm_id").asText("");
        String targetName = c.path("target_name").asText("");
        CommTarget target = targets.get(targetName);
        if (id.isEmpty() || target == null) {
            // Unknown target: close at once so the front end does not wait for it.
            LOG.debug("no comm target '{}', closing comm {}", targetName, id);
            messenger.publish(request.header().json(), new CommMessage.Close(id, Json.object()));
            return;
        }
        Comm comm = new Comm(id, targetName, this);
        comms.put(id, comm);
        try {
            target.opened(comm, c.path("data"), request);
        } catch (RuntimeException e) {
            LOG.warn("comm target '{}' failed to open comm {}", targetName, id, e);
            comm.close(Json.object(), request.header().json());
        }
    }

    void handleMessage(Message request) {
        String id = request.content().path("comm_id").asText("");
        Comm comm = comms.get(id);
        if (comm == null) {
            LOG.debug("comm_msg for unknown comm {}", id);
            return;
        }
        try {
            comm.deliver(request.content().path("data"), request);
        } catch (RuntimeException e) {
            LOG.warn("comm {} ({}) failed to handle a message", id, comm.targetName(), e);
        }
    }

    void handleClose(Message request) {
        String id = request.content().path("comm_id").asText("");
        Comm comm = comms.remove(id);
        if (comm == null) {
            return;
        }
        try {
            comm.closedByFrontEnd(request.content().path("data"));
        } catch (RuntimeException e) {
            LOG.warn("comm {} ({}) failed on close", id, comm.targetName(), e);
        }
    }

    /** The comm_info_reply content, filtered by {@code target_name} when the request has one. */
    CommInfoReply info(JsonNode requestContent) {
        String filter = requestContent.path("target_name").asText("");
        Map<String, String> open = new LinkedHashMap<>();
        comms.forEach((id, comm) -> {
            if (filter.isEmpty() || filter.equals(comm.targetName())) {
                open.put(id, comm.targetName());
            }
        });
        return new CommInfoReply(open);
    }
}
