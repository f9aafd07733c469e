package livykernel.display;

import java.util.ArrayList;
import java.util.List;

/** Renders a table of rows as HTML (notebooks) and aligned text (consoles, papermill logs). */
public final class TableRenderer {

    private TableRenderer() {
    }

    public static String html(List<String> headers, List<List<Object>> rows) {
        StringBuilder sb = new StringBuilder("<table class=\"livy-table\" border=\"1\">\n<thead><tr>");
        for (String h : headers) {
            sb.append("<th>").append(escape(h)).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<Object> row : rows) {
            sb.append("<tr>");
            for (Object cell : row) {
                sb.append("<td>").append(escape(cellText(cell))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    public static String text(List<String> headers, List<List<Object>> rows) {
        int n = headers.size();
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            width[i] = headers.get(i).length();
        }
        List<List<String>> cells = new ArrayList<>();
        for (List<Object> row : rows) {
            List<String> r = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String s = i < row.size() ? cellText(row.get(i)) : "";
                width[i] = Math.max(width[i], s.length());
                r.add(s);
            }
            cells.add(r);
        }
        StringBuilder sb = new StringBuilder();
        String sep = separator(width);
        sb.append(sep).append(line(headers, width)).append(sep);
        for (List<String> r : cells) {
            sb.append(line(r, width));
        }
        return sb.append(sep).toString().stripTrailing();
    }

    private static String separator(int[] width) {
        StringBuilder sb = new StringBuilder("+");
        for (int w : width) {
            sb.append("-".repeat(w + 2)).append('+');
        }
        return sb.append('\n').toString();
    }

    private static String line(List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < width.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            sb.append(' ').append(c).append(" ".repeat(width[i] - c.length())).append(" |");
        }
        return sb.append('\n').toString();
    }

    static String cellText(Object cell) {
        return cell == null ? "null" : String.valueOf(cell);
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
