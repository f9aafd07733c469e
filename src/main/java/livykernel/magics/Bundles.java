package livykernel.magics;

import livykernel.display.TableRenderer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers for mime bundles: every HTML output of a magic carries a text/plain twin for consoles. */
final class Bundles {

    private Bundles() {
    }

    static Map<String, Object> of(String html, String text) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("text/html", html);
        b.put("text/plain", text);
        return b;
    }

    static String esc(String s) {
        return TableRenderer.escape(s == null ? "" : s);
    }

    /** An HTML link, or a dash when Livy reports no URL (local mode). */
    static String link(String url, String label) {
        return url == null || url.isBlank() ? "–"
                : "<a href=\"" + esc(url) + "\" target=\"_blank\" rel=\"noopener\">" + esc(label) + "</a>";
    }
}
