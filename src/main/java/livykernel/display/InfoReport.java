package livykernel.display;

import livykernel.livy.Session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The report {@code %%info} shows, as HTML and text written side by side: this kernel's
 * session, the endpoint settings, the session configuration and every session on the endpoint.
 * The magic decides what goes in (and masks secrets first); this class only lays it out.
 */
public final class InfoReport {

    private static final List<String> COLUMNS = List.of("ID", "Name", "Application ID", "Kind", "State", "User",
            "Spark UI", "Driver log", "This kernel");

    private final StringBuilder html = new StringBuilder("<div class=\"livy-info\">\n");
    private final StringBuilder text = new StringBuilder();

    /** Opens the section on this kernel's own session. */
    public InfoReport ownSessionHeading() {
        html.append("<h4>This kernel's Spark session</h4>\n");
        return this;
    }

    /** A note in place of the session's table; {@code textLine} may say it shorter for consoles. */
    public InfoReport note(String htmlLine, String textLine) {
        html.append("<p>").append(Bundles.esc(htmlLine)).append("</p>\n");
        text.append(textLine).append('\n');
        return this;
    }

    /** The session's ids, state, user and links. */
    public InfoReport session(Session s) {
        return session(s, null);
    }

    /** The same with its application's page on the Spark history server (null: none), for a finished session. */
    public InfoReport session(Session s, String historyUrl) {
        html.append("<table class=\"livy-info-session\">\n");
        row("Session id", String.valueOf(s.id()), null);
        if (s.name() != null) {
            row("Name", s.name(), null);
        }
        row("Application id", s.appId() == null ? "– (not reported by Livy, e.g. in local mode)" : s.appId(), null);
        row("Kind", s.kind(), null);
        row("State", s.state(), null);
        if (s.owner() != null || s.proxyUser() != null) {
            row("User", s.proxyUser() != null ? s.proxyUser() : s.owner(), null);
        }
        row("Spark UI", s.sparkUiUrl() == null ? "– (not reported by Livy)" : s.sparkUiUrl(), s.sparkUiUrl());
        row("Driver log", s.driverLogUrl() == null ? "– (not reported by Livy)" : s.driverLogUrl(), s.driverLogUrl());
        if (historyUrl != null) {
            row("Spark history", historyUrl, historyUrl);
        }
        html.append("</table>\n");
        return this;
    }

    /** A line {@code label: url} with the URL as a link. */
    public InfoReport link(String label, String url) {
        html.append("<p>").append(Bundles.esc(label)).append(": ").append(Bundles.link(url, url)).append("</p>\n");
        text.append(label).append(": ").append(url).append('\n');
        return this;
    }

    private void row(String label, String value, String url) {
        html.append("<tr><th style=\"text-align:left\">").append(Bundles.esc(label)).append("</th><td>")
                .append(url == null ? Bundles.esc(value) : Bundles.link(url, url)).append("</td></tr>\n");
        text.append(String.format("%-15s %s%n", label + ":", value));
    }

    /** The endpoint settings in effect, already masked; a map value is shown as JSON. */
    public InfoReport endpoint(Map<String, Object> settings) {
        html.append("<h4>Endpoint</h4>\n<table class=\"livy-info-endpoint\">\n");
        text.append("\nEndpoint:\n");
        settings.forEach((k, v) -> {
            String value = v instanceof Map<?, ?> ? Bundles.json(v) : String.valueOf(v);
            html.append("<tr><th style=\"text-align:left\">").append(Bundles.esc(k)).append("</th><td><code>")
                    .append(Bundles.esc(value)).append("</code></td></tr>\n");
            text.append("  ").append(k).append(": ").append(value).append('\n');
        });
        html.append("</table>\n");
        return this;
    }

    /** The POST /sessions body, already masked. */
    public InfoReport configuration(String json) {
        html.append("<h4>Session configuration</h4>\n<pre>").append(Bundles.esc(json)).append("</pre>\n");
        text.append("\nSession configuration (body of POST /sessions):\n").append(json).append('\n');
        return this;
    }

    /** Opens the section on every session of the endpoint. */
    public InfoReport allSessionsHeading() {
        html.append("<h4>Sessions on the endpoint</h4>\n");
        text.append("\nSessions on the endpoint:\n");
        return this;
    }

    /** Every session on the endpoint; {@code ownId} (or null) is ticked as this kernel's. */
    public InfoReport allSessions(List<Session> all, Integer ownId) {
        if (all.isEmpty()) {
            return note("No sessions.", "No sessions.");
        }
        html.append("<table class=\"livy-info-sessions\">\n<thead><tr>");
        COLUMNS.forEach(col -> html.append("<th>").append(Bundles.esc(col)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        List<List<Object>> rows = new ArrayList<>();
        for (Session s : all) {
            boolean mine = ownId != null && ownId == s.id();
            String user = s.proxyUser() != null ? s.proxyUser() : s.owner();
            List<Object> cells = Arrays.asList(s.id(), s.name(), s.appId(), s.kind(), s.state(), user);
            html.append("<tr>");
            cells.forEach(v -> html.append("<td>").append(Bundles.esc(v == null ? "" : String.valueOf(v))).append("</td>"));
            html.append("<td>").append(Bundles.link(s.sparkUiUrl(), "Spark UI")).append("</td><td>")
                    .append(Bundles.link(s.driverLogUrl(), "driver log")).append("</td><td>")
                    .append(mine ? "✔" : "").append("</td></tr>\n");
            List<Object> textRow = new ArrayList<>(cells);
            textRow.add(s.sparkUiUrl() == null ? "" : s.sparkUiUrl());
            textRow.add(s.driverLogUrl() == null ? "" : s.driverLogUrl());
            textRow.add(mine ? "yes" : "");
            rows.add(textRow.stream().map(v -> (Object) (v == null ? "" : v)).toList());
        }
        html.append("</tbody>\n</table>\n");
        text.append(TableRenderer.text(COLUMNS, rows)).append('\n');
        return this;
    }

    public Map<String, Object> bundle() {
        return Bundles.of(html + "</div>", text.toString().stripTrailing());
    }
}
