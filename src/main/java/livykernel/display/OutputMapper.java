package livykernel.display;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a finished Livy statement's output to what the cell shows, as a pure function: text
 * becomes stdout with the session's display() bundles taken out as displays, PNG a display,
 * JSON and Livy tables a result with a text fallback, and an error an error result.
 */
public final class OutputMapper {

    public static final String LIVY_TABLE = "application/vnd.livy.table.v1+json";
    private static final ObjectMapper JSON = Bundles.PRETTY;

    private final BundleDecoder bundles;

    public OutputMapper() {
        this(new BundleDecoder());
    }

    /** {@code bundles} reads the display() frames the session's helpers wrote into text/plain. */
    public OutputMapper(BundleDecoder bundles) {
        this.bundles = bundles;
    }

    public Rendered map(StatementOutput output) {
        if (output == null) {
            return Rendered.of(Errors.livy("Livy returned no output for the statement."));
        }
        if (output.isError()) {
            return Rendered.of(Errors.spark(output.ename(), output.evalue(), output.traceback()));
        }
        JsonNode data = output.data();
        if (data == null || data.isNull()) {
            return Rendered.of(CellResult.success());
        }
        // Livy's magic bug: an unknown %json/%table variable comes back as status ok with an
        // embedded execute_reply error instead of mime data.
        JsonNode embedded = data.path("content");
        if (!data.has("text/plain") && "error".equals(embedded.path("status").asText())) {
            return Rendered.of(Errors.spark(embedded.path("ename").asText("Error"), embedded.path("evalue").asText(""),
                    strings(embedded.path("traceback"))));
        }
        List<Output> outputs = new ArrayList<>();
        String text = data.path("text/plain").asText("");
        outputs.addAll(bundles.decode(text));
        if (data.has("image/png")) {
            Map<String, Object> bundle = new LinkedHashMap<>();
            bundle.put("image/png", data.get("image/png").asText().replaceAll("\\s", ""));
            bundle.put("text/plain", "<Figure>");
            outputs.add(new Output.Display(bundle));
        }
        if (data.has("application/json")) {
            Map<String, Object> bundle = new LinkedHashMap<>();
            bundle.put("application/json", JSON.convertValue(data.get("application/json"), Object.class));
            bundle.put("text/plain", pretty(data.get("application/json")));
            outputs.add(new Output.Result(bundle));
        }
        if (data.has(LIVY_TABLE)) {
            outputs.add(new Output.Result(tableBundle(data.get(LIVY_TABLE), bundles.maxBytes())));
        }
        return new Rendered(outputs, CellResult.success());
    }

    /**
     * A Livy table ({@code headers:[{name,type}], data:[[…]]}) as HTML, text and the raw mime type.
     * Each row is rendered three times, so rows past a quarter of {@code maxBytes} are left out
     * of all three, with a caption saying how many were shown.
     */
    static Map<String, Object> tableBundle(JsonNode table, int maxBytes) {
        List<String> headers = new ArrayList<>();
        for (JsonNode h : table.path("headers")) {
            headers.add(h.path("name").asText());
        }
        List<List<Object>> rows = new ArrayList<>();
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        long size = 0;
        int total = table.path("data").size();
        for (JsonNode r : table.path("data")) {
            List<Object> row = new ArrayList<>();
            for (JsonNode c : r) {
                String v = c.isNull() ? null : c.isValueNode() ? c.asText() : c.toString();
                size += (v == null ? 4 : v.length()) + 3;
                row.add(v);
            }
            if (size > maxBytes / 4) {
                break;
            }
            rows.add(row);
            kept.add(r);
        }
        Map<String, Object> bundle = new LinkedHashMap<>();
        if (rows.size() == total) {
            bundle.put("text/html", TableRenderer.html(headers, rows));
            bundle.put("text/plain", TableRenderer.text(headers, rows));
            bundle.put(LIVY_TABLE, JSON.convertValue(table, Object.class));
            return bundle;
        }
        String caption = ResultTable.sizeCaption(rows.size(), total, maxBytes);
        bundle.put("text/html", TableRenderer.html(headers, rows) + "\n<p class=\"livy-table-caption\">"
                + Bundles.esc(caption) + "</p>");
        bundle.put("text/plain", TableRenderer.text(headers, rows) + "\n" + caption);
        ObjectNode cut = table.deepCopy();
        cut.set("data", kept);
        bundle.put(LIVY_TABLE, JSON.convertValue(cut, Object.class));
        return bundle;
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
