package livykernel.progress;

import java.util.Locale;

/**
 * HTML pieces of the progress display: the stage table and notes shown inside the widget, and the
 * static snapshot that replaces the widget when the statement ends (readable in saved notebooks,
 * nbconvert HTML and GitHub, with no widget state).
 */
public final class HtmlRender {

    private HtmlRender() {
    }

    /** The stage table: id, name, status, tasks, elapsed, failed tasks. */
    public static String stageTable(ProgressState s) {
        if (s.stages().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        b.append("<table class=\"livy-progress-stages\" style=\"border-collapse:collapse;font-size:12px\">")
                .append("<thead><tr>");
        for (String h : new String[] {"Stage", "Name", "Status", "Tasks", "Elapsed (s)", "Failed tasks"}) {
            b.append("<th style=\"text-align:left;padding:2px 8px;border-bottom:1px solid #bbb\">").append(h).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (ProgressState.StageRow r : s.stages()) {
            b.append("<tr>")
                    .append(td(String.valueOf(r.stageId())))
                    .append(td(escape(r.name())))
                    .append("<td style=\"padding:2px 8px;color:").append(statusColor(r.status())).append("\">")
                    .append(escape(r.status())).append("</td>")
                    .append(td(r.done() + "/" + r.total()))
                    .append(td(r.elapsedMillis() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", r.elapsedMillis() / 1000.0)))
                    .append(td(String.valueOf(r.failedTasks())))
                    .append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** The line under the table: executors in use, and the one-time note when details are unavailable. */
    public static String footer(ProgressState s) {
        StringBuilder b = new StringBuilder("<div class=\"livy-progress-footer\" style=\"font-size:12px\">");
        if (s.detailsUnavailable()) {
            b.append("<i>").append(escape(capitalized(s.detailsNote()))).append(".</i>");
        } else if (s.executors() == 0) {
            b.append("Executors in use: driver only (local mode), ").append(s.cores()).append(" cores");
        } else {
            b.append("Executors in use: ").append(s.executors()).append(" (").append(s.cores()).append(" cores)");
        }
        if (s.outcome() != ProgressState.Outcome.RUNNING) {
            b.append("<br><b>").append(escape(TextLine.summary(s))).append("</b>");
            if (s.failedStage() != null && s.failedStage().failureReason() != null) {
                String reason = s.failedStage().failureReason();
                b.append("<br><span style=\"color:#c62828\">")
                        .append(escape(reason.length() > 300 ? reason.substring(0, 300) + "…" : reason)).append("</span>");
            }
        }
        return b.append("</div>").toString();
    }

    /** One job's caption next to its bar; the fallback row is a percentage, never invented task counts. */
    public static String jobCaption(ProgressState.JobRow j) {
        if (j.jobId() < 0) {
            return "<span style=\"font-size:12px\">" + escape(j.name()) + " &mdash; " + j.done() + "% <span style=\"color:"
                    + statusColor(j.status()) + "\">" + escape(j.status()) + "</span></span>";
        }
        String label = "Job " + j.jobId() + ": " + escape(j.name());
        return "<span style=\"font-size:12px\">" + label + " &mdash; " + j.done() + "/" + j.total() + " tasks"
                + (j.failedTasks() > 0 ? ", " + j.failedTasks() + " failed" : "")
                + " <span style=\"color:" + statusColor(j.status()) + "\">" + escape(j.status()) + "</span></span>";
    }

    /** The overall caption next to the overall bar. */
    public static String overallCaption(ProgressState s) {
        if (s.detailsUnavailable()) {
            return "<span style=\"font-size:12px\">" + s.percent() + "%</span>";
        }
        return "<span style=\"font-size:12px\">" + s.done() + "/" + s.total() + " tasks, " + s.jobs().size()
                + (s.jobs().size() == 1 ? " job" : " jobs") + " (" + s.percent() + "%)</span>";
    }

    /** The static snapshot: a collapsible section with the same bars and table as plain HTML. */
    public static String snapshot(ProgressState s) {
        StringBuilder b = new StringBuilder();
        b.append("<details open class=\"livy-progress-snapshot\"><summary><b>Spark Job Progress</b> &mdash; ")
                .append(escape(TextLine.summary(s))).append("</summary>");
        b.append(barRow("Overall", s.done(), s.total(), s.barStyle(), overallCaption(s)));
        for (ProgressState.JobRow j : s.jobs()) {
            b.append(barRow(j.jobId() < 0 ? "Cell" : "Job " + j.jobId(), j.done(), j.total(), j.barStyle(), jobCaption(j)));
        }
        b.append(stageTable(s)).append(footer(s)).append("</details>");
        return b.toString();
    }

    private static String barRow(String label, int done, int total, String style, String caption) {
        int pct = total == 0 ? 0 : (int) Math.floor(100.0 * done / total);
        return "<div style=\"display:flex;align-items:center;gap:8px;margin:2px 0\">"
                + "<span style=\"width:60px;font-size:12px\">" + escape(label) + "</span>"
                + "<div class=\"livy-progress-bar\" style=\"width:260px;height:14px;background:#eee;border-radius:2px\">"
                + "<div style=\"width:" + pct + "%;height:100%;background:" + barColor(style) + "\"></div></div>"
                + caption + "</div>";
    }

    static String barColor(String barStyle) {
        return switch (barStyle) {
            case "success" -> "#4caf50";
            case "danger" -> "#f44336";
            case "warning" -> "#ff9800";
            default -> "#00bcd4";
        };
    }

    static String statusColor(String status) {
        return switch (status) {
            case "COMPLETE", "SUCCEEDED" -> "#2e7d32";
            case "FAILED" -> "#c62828";
            case "ACTIVE", "RUNNING" -> "#00838f";
            case "CANCELLED" -> "#ef6c00";
            default -> "#757575";
        };
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String td(String html) {
        return "<td style=\"padding:2px 8px\">" + html + "</td>";
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
