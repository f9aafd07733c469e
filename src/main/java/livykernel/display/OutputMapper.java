package livykernel.display;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a finished Livy statement's output to Jupyter messages: text becomes stdout, PNG a
 * display, JSON and Livy tables a result with a text fallback, and an error an error result.
 */
public final class OutputMapper {

    public static final String LIVY_TABLE = "application/vnd.livy.table.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public CellResult publish(StatementOutput output, CellOutput out) {
        if (output == null) {
            return CellResult.error("LivyError", "Livy returned no output for the statement.", List.of());
        }
        if (output.isError()) {
            return error(output.ename(), output.evalue(), output.traceback());
        }
        JsonNode data = output.data();
        if (data == null || data.isNull()) {
            return CellResult.success();
        }
        // Livy's magic bug: an unknown %json/%table variable comes back as status ok with an
        // embedded execute_reply error instead of mime data.
        JsonNode embedded = data.path("content");
        if (!data.has("text/plain") && "error".equals(embedded.path("status").asText())) {
            return error(embedded.path("ename").asText("Error"), embedded.path("evalue").asText(""),
                    strings(embedded.path("traceback")));
        }
        String text = data.path("text/plain").asText("");
        if (!text.isEmpty()) {
            out.stream("stdout", text.endsWith("\n") ? text : text + "\n");
        }
        if (data.has("image/png")) {
            Map<String, Object> bundle = new LinkedHashMap<>();
            bundle.put("image/png", data.get("image/png").asText().replaceAll("\\s", ""));
            bundle.put("text/plain", "<Figure>");
            out.display(bundle, Map.of(), null);
        }
        if (data.has("application/json")) {
            Map<String, Object> bundle = new LinkedHashMap<>();
            bundle.put("application/json", JSON.convertValue(data.get("application/json"), Object.class));
            bundle.put("text/plain", pretty(data.get("application/json")));
            out.executeResult(bundle, Map.of());
        }
        if (data.has(LIVY_TABLE)) {
            out.executeResult(tableBundle(data.get(LIVY_TABLE)), Map.of());
        }
        return CellResult.success();
    }

    /** A Livy table ({@code headers:[{name,type}], data:[[…]]}) as HTML, text and the raw mime type. */
    static Map<String, Object> tableBundle(JsonNode table) {
        List<String> headers = new ArrayList<>();
        for (JsonNode h : table.path("headers")) {
            headers.add(h.path("name").asText());
        }
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode r : table.path("data")) {
            List<Object> row = new ArrayList<>();
            for (JsonNode c : r) {
                row.add(c.isNull() ? null : c.isValueNode() ? c.asText() : c.toString());
            }
            rows.add(row);
        }
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("text/html", TableRenderer.html(headers, rows));
        bundle.put("text/plain", TableRenderer.text(headers, rows));
        bundle.put(LIVY_TABLE, JSON.convertValue(table, Object.class));
        return bundle;
    }

    private static CellResult error(String ename, String evalue, List<String> traceback) {
        List<String> lines = new ArrayList<>();
        if (traceback != null) {
            for (String t : traceback) {
                // Livy's lines end in "\n"; Jupyter joins traceback entries with newlines itself.
                lines.add(t.endsWith("\n") ? t.substring(0, t.length() - 1) : t);
            }
        }
        String name = ename == null || ename.isEmpty() ? "Error" : ename;
        String value = evalue == null ? "" : evalue;
        if (lines.isEmpty() || !lines.get(lines.size() - 1).contains(name)) {
            lines.add(name + ": " + value);
        }
        return CellResult.error(name, value, lines);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            out.add(it.next().asText());
        }
        return out;
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            return node.toString();
        }
    }
}
