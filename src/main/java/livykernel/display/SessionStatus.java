package livykernel.display;

import livykernel.livy.Session;

import java.time.Duration;
import java.util.Map;

/** The one-line status of a starting session that the first cell shows and updates in place. */
public final class SessionStatus {

    private SessionStatus() {
    }

    public static Map<String, Object> starting(Session s) {
        return line("Starting Spark session " + s.id() + " (state: " + s.state() + ")…");
    }

    public static Map<String, Object> failed(Session s) {
        return line("Spark session " + s.id() + " failed to start (state: " + s.state() + ").");
    }

    public static Map<String, Object> ready(Session s, Duration took) {
        long seconds = Math.round(took.toMillis() / 1000.0);
        StringBuilder text = new StringBuilder("Spark session " + s.id() + " ready in " + seconds + " s");
        StringBuilder html = new StringBuilder("<div class=\"livy-session-status\">Spark session " + s.id()
                + " ready in " + seconds + " s");
        if (s.appId() != null) {
            text.append(", application ").append(s.appId());
            html.append(", application <code>").append(Bundles.esc(s.appId())).append("</code>");
        }
        if (s.sparkUiUrl() != null) {
            text.append(", Spark UI: ").append(s.sparkUiUrl());
            html.append(", <a href=\"").append(Bundles.esc(s.sparkUiUrl())).append("\" target=\"_blank\">Spark UI</a>");
        }
        if (s.driverLogUrl() != null) {
            text.append(", driver log: ").append(s.driverLogUrl());
            html.append(", <a href=\"").append(Bundles.esc(s.driverLogUrl())).append("\" target=\"_blank\">driver log</a>");
        }
        text.append(". SparkSession available as 'spark'.");
        html.append(". SparkSession available as <code>spark</code>.</div>");
        return Bundles.of(html.toString(), text.toString());
    }

    private static Map<String, Object> line(String text) {
        return Bundles.of("<div class=\"livy-session-status\">" + Bundles.esc(text) + "</div>", text);
    }
}
