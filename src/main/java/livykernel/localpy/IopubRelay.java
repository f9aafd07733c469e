package livykernel.localpy;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.wire.Json;
import livykernel.wire.Message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays the local Python's iopub messages for one of our execute_requests into the user's
 * cell. Error outputs are kept as the cell's result (the kernel publishes the error itself);
 * with relaying off (the kernel's own helper calls) stdout is collected instead of shown.
 */
final class IopubRelay {

    private final String requestId;
    private final CellOutput out;
    private final boolean relay;
    private final StringBuilder stdout = new StringBuilder();
    private CellResult error;
    private boolean idle;

    IopubRelay(String requestId, CellOutput out, boolean relay) {
        this.requestId = requestId;
        this.out = out;
        this.relay = relay;
    }

    /** Takes one iopub message; ones that belong to other requests are ignored. */
    void accept(Message m) {
        if (!requestId.equals(m.parentHeader().path("msg_id").asText(null))) {
            return;
        }
        JsonNode c = m.content();
        switch (m.msgType()) {
            case "status" -> idle |= "idle".equals(c.path("execution_state").asText());
            case "stream" -> {
                String name = c.path("name").asText("stdout");
                String text = c.path("text").asText("");
                if (relay || !"stdout".equals(name)) {
                    out.stream(name, text);
                } else {
                    stdout.append(text);
                }
            }
            case "error" -> error = CellResult.error(c.path("ename").asText("Error"), c.path("evalue").asText(""),
                    strings(c.path("traceback")));
            case "display_data" -> {
                if (relay) {
                    out.display(map(c.path("data")), map(c.path("metadata")), displayId(c));
                }
            }
            case "update_display_data" -> {
                if (relay) {
                    out.updateDisplay(map(c.path("data")), map(c.path("metadata")), displayId(c));
                }
            }
            case "execute_result" -> {
                if (relay) {
                    out.executeResult(map(c.path("data")), map(c.path("metadata")));
                }
            }
            case "clear_output" -> {
                if (relay) {
                    out.clearOutput(c.path("wait").asBoolean(false));
                }
            }
            default -> {
                // execute_input, comm messages: nothing of the cell's output.
            }
        }
    }

    /** The request's outputs are complete once its idle status arrived (it follows every output). */
    boolean idle() {
        return idle;
    }

    CellResult result() {
        return error != null ? error : CellResult.success();
    }

    String stdout() {
        return stdout.toString();
    }

    private static String displayId(JsonNode c) {
        JsonNode id = c.path("transient").path("display_id");
        return id.isTextual() ? id.asText() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> lines = new ArrayList<>();
        array.forEach(n -> lines.add(n.asText()));
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        return new LinkedHashMap<>(Json.mapper().convertValue(node, Map.class));
    }
}
