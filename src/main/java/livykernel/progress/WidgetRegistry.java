package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.kernel.Comm;
import livykernel.wire.Json;
import livykernel.wire.Message;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live progress widgets of this kernel, and the {@code jupyter.widget.control} comm target
 * that JupyterLab opens on (re)connect to fetch all their states in one reply.
 */
public final class WidgetRegistry {

    public static final String CONTROL_TARGET = "jupyter.widget.control";

    private final Set<WidgetModel> live = ConcurrentHashMap.newKeySet();

    void add(WidgetModel m) {
        live.add(m);
    }

    void remove(WidgetModel m) {
        live.remove(m);
    }

    int size() {
        return live.size();
    }

    /** Comm target for {@code jupyter.widget.control}: answers {@code request_states} with {@code update_states}. */
    public void controlOpened(Comm comm, JsonNode data, Message open) {
        comm.onMessage((c, d, message) -> {
            if ("request_states".equals(d.path("method").asText())) {
                c.send(updateStates(), Json.object(), List.of(), message.header().json());
            }
        });
    }

    ObjectNode updateStates() {
        ObjectNode reply = Json.object();
        reply.put("method", "update_states");
        ObjectNode states = reply.putObject("states");
        for (WidgetModel m : live) {
            states.set(m.id(), m.describe());
        }
        reply.putArray("buffer_paths");
        return reply;
    }
}
