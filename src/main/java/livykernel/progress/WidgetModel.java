package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.kernel.Comm;
import livykernel.kernel.CommManager;
import livykernel.wire.Json;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One ipywidgets model living in a kernel-opened {@code jupyter.widget} comm: opened with its full
 * state, then changed by {@code update} messages carrying only the keys that changed. Answers the
 * front end's {@code request_state} with the full state. Thread-safe.
 */
final class WidgetModel {

    static final String TARGET = "jupyter.widget";
    static final String PROTOCOL_VERSION = "2.1.0";

    private final Comm comm;
    private final ObjectNode state;
    private final WidgetRegistry registry;

    private WidgetModel(Comm comm, ObjectNode state, WidgetRegistry registry) {
        this.comm = comm;
        this.state = state;
        this.registry = registry;
    }

    /** Publishes comm_open with the full state, parented to the cell so it lands in its output. */
    static WidgetModel open(CommManager comms, ObjectNode state, JsonNode parent, WidgetRegistry registry) {
        ObjectNode data = Json.object();
        data.set("state", state.deepCopy());
        data.putArray("buffer_paths");
        Comm comm = comms.open(TARGET, data, Json.object().put("version", PROTOCOL_VERSION), parent);
        WidgetModel model = new WidgetModel(comm, state.deepCopy(), registry);
        comm.onMessage((c, d, message) -> {
            if ("request_state".equals(d.path("method").asText())) {
                model.sendFullState(message.header().json());
            }
        });
        comm.onClose(d -> registry.remove(model));
        registry.add(model);
        return model;
    }

    String id() {
        return comm.id();
    }

    /** How other models refer to this one in their state. */
    String ref() {
        return "IPY_MODEL_" + comm.id();
    }

    /** Sends the keys of {@code changes} whose values differ from the current state; nothing if none do. */
    synchronized boolean update(ObjectNode changes, JsonNode parent) {
        ObjectNode diff = Json.object();
        Iterator<Map.Entry<String, JsonNode>> it = changes.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().equals(state.get(e.getKey()))) {
                diff.set(e.getKey(), e.getValue());
            }
        }
        if (diff.isEmpty()) {
            return false;
        }
        state.setAll(diff);
        comm.send(updateMessage(diff), Json.object(), List.of(), parent);
        return true;
    }

    synchronized ObjectNode fullState() {
        return state.deepCopy();
    }

    /** The entry of this model in a {@code update_states} reply of the widget control comm. */
    synchronized ObjectNode describe() {
        ObjectNode d = Json.object();
        d.put("model_name", state.path("_model_name").asText());
        d.put("model_module", state.path("_model_module").asText());
        d.put("model_module_version", state.path("_model_module_version").asText());
        d.set("state", state.deepCopy());
        return d;
    }

    void close(JsonNode parent) {
        registry.remove(this);
        comm.close(Json.object(), parent);
    }

    private void sendFullState(JsonNode parent) {
        comm.send(updateMessage(fullState()), Json.object(), List.of(), parent);
    }

    private static ObjectNode updateMessage(ObjectNode state) {
        ObjectNode m = Json.object();
        m.put("method", "update");
        m.set("state", state);
        m.putArray("buffer_paths");
        return m;
    }
}
