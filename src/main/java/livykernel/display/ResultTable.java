package livykernel.display;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A query result as %%sql and %%pretty show it: an HTML table, a text table and Table Schema
 * JSON ({@code application/vnd.dataresource+json}), with the row cap stated when it cut rows.
 */
public record ResultTable(List<String> columns, List<String> sparkTypes, List<List<Object>> rows, boolean truncated) {

    public static final String DATARESOURCE = "application/vnd.dataresource+json";

    /** From the session helper's {"schema": Spark schema JSON, "rows": [[…]], "truncated": bool}. */
    public static ResultTable from(JsonNode result) {
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (JsonNode f : result.path("schema").path("fields")) {
            columns.add(f.path("name").asText());
            JsonNode t = f.path("type");
            types.add(t.isTextual() ? t.asText() : t.path("type").asText("struct"));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode r : result.path("rows")) {
            List<Object> row = new ArrayList<>();
            for (JsonNode v : r) {
                row.add(Bundles.PRETTY.convertValue(v, Object.class));
            }
            rows.add(row);
        }
        return new ResultTable(columns, types, rows, result.path("truncated").asBoolean(false));
    }

    /**
     * The caption for a result the session cut by size ({"size_cut": {"rows", "max_bytes"}} from
     * its helper), or null when it did not: which rows are shown, of how many, and why.
     */
    public static String sizeCut(JsonNode result) {
        JsonNode cut = result.path("size_cut");
        if (!cut.isObject()) {
            return null;
        }
        return sizeCaption(result.path("rows").size(), cut.path("rows").asLong(), cut.path("max_bytes").asLong())
                + " -n N shows fewer rows; -o VAR brings them all to local pandas.";
    }

    /** What a table cut by size says: how many rows of how many, and the setting that cut it. */
    public static String sizeCaption(long shown, long total, long maxBytes) {
        return String.format(Locale.ROOT, "Showing the first %d of %d rows: the table would be over the %.1f MB "
                + "display_max_bytes limit.", shown, total, maxBytes / (1024.0 * 1024.0));
    }

    /** The caption under the table; says plainly when -n cut the result. */
    public String caption(int maxRows, String capFlag) {
        String n = rows.size() == 1 ? "1 row" : rows.size() + " rows";
        return truncated ? "Showing the first " + n + ": the result has more rows, capped by " + capFlag + " " + maxRows
                + " (raise it, or use " + capFlag + " -1 for all)." : n + ".";
    }

    public Map<String, Object> bundle(String caption) {
        List<List<Object>> shown = new ArrayList<>();
        for (List<Object> r : rows) {
            shown.add(r.stream().map(ResultTable::display).toList());
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("text/html", TableRenderer.html(columns, shown) + "\n<p class=\"livy-table-caption\">"
                + Bundles.esc(caption) + "</p>");
        b.put("text/plain", TableRenderer.text(columns, shown) + "\n" + caption);
        b.put(DATARESOURCE, dataResource());
        return b;
    }

    private Map<String, Object> dataResource() {
        List<Map<String, Object>> fields = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", columns.get(i));
            f.put("type", tableSchemaType(sparkTypes.get(i)));
            fields.add(f);
        }
        List<Map<String, Object>> data = new ArrayList<>();
        for (List<Object> r : rows) {
            Map<String, Object> rec = new LinkedHashMap<>();
            for (int i = 0; i < columns.size() && i < r.size(); i++) {
                rec.put(columns.get(i), r.get(i));
            }
            data.add(rec);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("fields", fields);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schema", schema);
        out.put("data", data);
        return out;
    }

    /** Spark SQL type name → Table Schema (frictionless) type. */
    public static String tableSchemaType(String spark) {
        String t = spark.toLowerCase(Locale.ROOT);
        if (t.equals("integer") || t.equals("long") || t.equals("short") || t.equals("byte")) {
            return "integer";
        }
        if (t.equals("double") || t.equals("float") || t.startsWith("decimal")) {
            return "number";
        }
        return switch (t) {
            case "boolean" -> "boolean";
            case "string", "varchar", "char" -> "string";
            case "date" -> "date";
            case "timestamp", "timestamp_ntz" -> "datetime";
            case "array" -> "array";
            case "struct", "map" -> "object";
            default -> "any";
        };
    }

    /** Nested values are shown as JSON, not as Java's {a=1}. */
    private static Object display(Object v) {
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return Bundles.json(v).replaceAll("\\s*\\n\\s*", " ");
        }
        return v;
    }
}
