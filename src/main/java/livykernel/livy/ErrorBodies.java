package livykernel.livy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns Livy's three error body shapes ({@code {"msg":…}}, a bare JSON string, an HTML page
 * from a proxy or filter) into one readable sentence.
 */
public final class ErrorBodies {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX = 400;

    private ErrorBodies() {
    }

    public static String describe(int status, String body, String contentType) {
        String detail = extract(body == null ? "" : body, contentType == null ? "" : contentType);
        String prefix = "Livy answered HTTP " + status + reason(status);
        return detail.isEmpty() ? prefix + "." : prefix + ": " + detail;
    }

    static String extract(String body, String contentType) {
        String trimmed = body.trim();
        if (trimmed.isEmpty()) {
            return "";
        }
        if (trimmed.startsWith("{") || trimmed.startsWith("\"")) {
            try {
                JsonNode n = JSON.readTree(trimmed);
                if (n.isTextual()) {
                    return shorten(firstLine(n.asText()));
                }
                if (n.has("msg")) {
                    return shorten(firstLine(n.get("msg").asText()));
                }
                if (n.has("message")) {
                    return shorten(firstLine(n.get("message").asText()));
                }
            } catch (Exception e) {
                // not JSON after all: fall through to text handling
            }
        }
        if (contentType.contains("html") || trimmed.startsWith("<")) {
            return shorten(htmlText(trimmed));
        }
        return shorten(firstLine(trimmed));
    }

    private static String htmlText(String html) {
        // Jetty and proxies put the useful part in <title> or the first heading/paragraph.
        String text = html.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ")
                .replaceAll("(?is)<title>(.*?)</title>", "$1. ")
                .replaceAll("(?s)<[^>]+>", " ")
                .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                .replaceAll("\\s+", " ").trim();
        return text;
    }

    private static String firstLine(String s) {
        int tab = s.indexOf("\n\tat ");
        return (tab > 0 ? s.substring(0, tab) : s).trim();
    }

    private static String shorten(String s) {
        return s.length() <= MAX ? s : s.substring(0, MAX) + "…";
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> " (bad request)";
            case 401 -> " (not authenticated: check the username and password)";
            case 403 -> " (forbidden: this user may not do that)";
            case 404 -> " (not found)";
            case 500 -> " (server error)";
            case 502 -> " (bad gateway)";
            case 503 -> " (unavailable)";
            case 504 -> " (gateway timeout)";
            default -> "";
        };
    }
}
