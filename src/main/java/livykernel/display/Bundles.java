package livykernel.display;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers for mime bundles: every HTML output of a magic carries a text/plain twin for consoles. */
public final class Bundles {

    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Bundles() {
    }

    public static Map<String, Object> of(String html, String text) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("text/html", html);
        b.put("text/plain", text);
        return b;
    }

    /** A line of text above a preformatted block (JSON, a listing). */
    public static Map<String, Object> titled(String title, String preformatted) {
        return of("<p>" + esc(title) + "</p>\n<pre>" + esc(preformatted) + "</pre>", title + "\n" + preformatted);
    }

    public static String esc(String s) {
        return TableRenderer.escape(s == null ? "" : s);
    }

    /** An HTML link, or a dash when Livy reports no URL (local mode). */
    public static String link(String url, String label) {
        return url == null || url.isBlank() ? "–"
                : "<a href=\"" + esc(url) + "\" target=\"_blank\" rel=\"noopener\">" + esc(label) + "</a>";
    }

    /** Pretty-printed JSON of a value, or its string form when it has none. */
    public static String json(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
