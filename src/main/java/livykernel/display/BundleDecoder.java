package livykernel.display;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Splits a statement's text/plain into the text around the {@link SessionDisplay} frames (stdout,
 * in order) and one display_data per frame, as a pure function. A frame that cannot be read or
 * is over the size cap becomes a one-line note on stderr, never its raw bytes.
 */
public final class BundleDecoder {

    /** The session's compact form of a Spark DataFrame's first rows; expanded here into a table. */
    static final String TABLE = "application/vnd.livy-kernel.table+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The most printed text of one statement shown unless configured otherwise (front ends choke on more). */
    public static final int DEFAULT_MAX_TEXT = 10 * 1024 * 1024;

    private final int maxBytes;
    private final int maxText;

    /** {@code maxBytes}: the largest display() bundle; {@code maxText}: the most printed text shown, in characters. */
    public BundleDecoder(int maxBytes, int maxText) {
        this.maxBytes = maxBytes;
        this.maxText = maxText;
    }

    public BundleDecoder(int maxBytes) {
        this(maxBytes, DEFAULT_MAX_TEXT);
    }

    /** The largest display() bundle, which bounds a Livy table too. */
    public int maxBytes() {
        return maxBytes;
    }

    public BundleDecoder() {
        this(SessionDisplay.DEFAULT_MAX_BYTES);
    }

    /** The outputs of {@code text}; text without frames is one stdout stream, ending in a newline. */
    public List<Output> decode(String text) {
        List<Output> outputs = new ArrayList<>();
        long[] printed = {0, 0};   // characters of printed text seen, and shown
        int pos = 0;
        while (pos < text.length()) {
            int at = text.indexOf(SessionDisplay.START, pos);
            if (at < 0) {
                stream(outputs, text.substring(pos), true, printed);
                break;
            }
            stream(outputs, text.substring(pos, at), false, printed);
            int from = at + SessionDisplay.START.length();
            int end = text.indexOf(SessionDisplay.END, from);
            int next = text.indexOf(SessionDisplay.START, from);
            if (end < 0 || (next >= 0 && next < end)) {
                // Cut short (the session died mid-write, or someone printed the marker): skip to the line's end.
                int eol = text.indexOf('\n', from);
                int stop = next >= 0 && (eol < 0 || next < eol) ? next : eol < 0 ? text.length() : eol + 1;
                outputs.add(note("A display() output from the session was cut short, so it is left out."));
                pos = stop;
                continue;
            }
            outputs.add(frame(text.substring(from, end)));
            pos = end + 1 < text.length() && text.charAt(end + 1) == '\n' ? end + 2 : end + 1;
        }
        if (printed[0] > printed[1]) {
            outputs.add(note("The output was cut: the first " + size(printed[1]) + " of the " + size(printed[0])
                    + " of printed text that Livy returned are shown (the max_output_bytes setting)."));
        }
        return outputs;
    }

    private Output frame(String payload) {
        long size = payload.length() / 4L * 3;
        if (size > maxBytes) {
            return dropped(size);
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(Base64.getDecoder().decode(payload.strip()), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return note("A display() output from the session could not be decoded, so it is left out.");
        }
        if (root.has("dropped")) {
            return dropped(root.path("dropped").asLong());
        }
        JsonNode data = root.path("data");
        if (!data.isObject() || data.isEmpty()) {
            return note("A display() output from the session held no data, so it is left out.");
        }
        Map<String, Object> bundle = new LinkedHashMap<>();
        for (var it = data.fields(); it.hasNext(); ) {
            var e = it.next();
            if (TABLE.equals(e.getKey())) {
                bundle.putAll(table(e.getValue()));
            } else {
                bundle.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText()
                        : JSON.convertValue(e.getValue(), Object.class));
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        root.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(),
                JSON.convertValue(e.getValue(), Object.class)));
        // The cell's last expression (the session's displayhook) is its result, as in IPython.
        return root.path("result").asBoolean() ? new Output.Result(bundle) : new Output.Display(bundle, metadata);
    }

    private static Map<String, Object> table(JsonNode t) {
        ResultTable table = ResultTable.from(t);
        int n = table.rows().size();
        String rows = t.path("truncated").asBoolean()
                ? "Showing the first " + n + " rows; the DataFrame has more (display(df, limit=N) shows N)."
                : n == 1 ? "1 row." : n + " rows.";
        List<String> types = new ArrayList<>();
        t.path("types").forEach(x -> types.add(x.asText()));
        return table.bundle(types.isEmpty() ? rows : rows + " Schema: " + String.join(", ", types) + ".");
    }

    private Output dropped(long size) {
        return note("A display() output of " + size(size) + " was dropped: it is over the " + size(maxBytes)
                + " limit for one output (the display_max_bytes setting).");
    }

    private static String size(long bytes) {
        return bytes < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private static Output note(String text) {
        return new Output.Stream("stderr", text + "\n");
    }

    private void stream(List<Output> outputs, String text, boolean last, long[] printed) {
        if (text.isEmpty()) {
            return;
        }
        long room = Math.max(0, maxText - printed[1]);
        printed[0] += text.length();
        if (text.length() > room) {
            text = text.substring(0, (int) room);
            last = true;
            if (text.isEmpty()) {
                return;
            }
        }
        printed[1] += text.length();
        outputs.add(new Output.Stream("stdout", last && !text.endsWith("\n") ? text + "\n" : text));
    }
}
