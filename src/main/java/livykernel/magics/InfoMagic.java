package livykernel.magics;

import livykernel.display.Bundles;
import livykernel.config.KernelConfig;
import livykernel.display.TableRenderer;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyException;
import livykernel.livy.Session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code %%info}: this kernel's session (ids, state, links), the endpoint and session
 * configuration in effect with secrets masked, and every session on the endpoint.
 */
final class InfoMagic implements Magic {

    private static final List<String> COLUMNS = List.of("ID", "Name", "Application ID", "Kind", "State", "User",
            "Spark UI", "Driver log", "This kernel");

    private final MagicContext ctx;

    InfoMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "This kernel's Spark session (id, application, state, Spark UI and driver log links), the endpoint and "
                + "session configuration in effect (secrets masked), and all sessions on the endpoint.";
    }

    @Override
    public String example() {
        return "%%info";
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        out.display(bundle(), Map.of(), null);
        return CellResult.success();
    }

    Map<String, Object> bundle() {
        StringBuilder html = new StringBuilder("<div class=\"livy-info\">\n");
        StringBuilder text = new StringBuilder();
        Session own = currentSession(html, text);
        endpoint(html, text);
        html.append("<h4>Session configuration</h4>\n<pre>").append(Bundles.esc(configJson())).append("</pre>\n");
        text.append("\nSession configuration (body of POST /sessions):\n").append(configJson()).append('\n');
        otherSessions(own, html, text);
        return Bundles.of(html.append("</div>").toString(), text.toString().stripTrailing());
    }

    private Session currentSession(StringBuilder html, StringBuilder text) {
        Session known = ctx.sessions().current();
        html.append("<h4>This kernel's Spark session</h4>\n");
        if (known == null) {
            String msg = "No Spark session yet: the first cell that runs code starts one (with the configuration below).";
            html.append("<p>").append(Bundles.esc(msg)).append("</p>\n");
            text.append("Spark session: none yet. The first cell that runs code starts one.\n");
            return null;
        }
        Session s;
        try {
            s = ctx.sessions().refresh(null);
        } catch (LivyException e) {
            String msg = "Session " + known.id() + ": could not read its state (" + e.getMessage() + ").";
            html.append("<p>").append(Bundles.esc(msg)).append("</p>\n");
            text.append(msg).append('\n');
            return known;
        }
        if (s == null) {
            String msg = "Session " + known.id() + " is gone from Livy (deleted or reaped); the next cell starts a new one.";
            html.append("<p>").append(Bundles.esc(msg)).append("</p>\n");
            text.append(msg).append('\n');
            return known;
        }
        html.append("<table class=\"livy-info-session\">\n");
        row(html, text, "Session id", String.valueOf(s.id()), null);
        if (s.name() != null) {
            row(html, text, "Name", s.name(), null);
        }
        row(html, text, "Application id", s.appId() == null ? "– (not reported by Livy, e.g. in local mode)" : s.appId(), null);
        row(html, text, "Kind", s.kind(), null);
        row(html, text, "State", s.state(), null);
        if (s.owner() != null || s.proxyUser() != null) {
            row(html, text, "User", s.proxyUser() != null ? s.proxyUser() : s.owner(), null);
        }
        row(html, text, "Spark UI", s.sparkUiUrl() == null ? "– (not reported by Livy)" : s.sparkUiUrl(), s.sparkUiUrl());
        row(html, text, "Driver log", s.driverLogUrl() == null ? "– (not reported by Livy)" : s.driverLogUrl(), s.driverLogUrl());
        html.append("</table>\n");
        return s;
    }

    private static void row(StringBuilder html, StringBuilder text, String label, String value, String url) {
        html.append("<tr><th style=\"text-align:left\">").append(Bundles.esc(label)).append("</th><td>")
                .append(url == null ? Bundles.esc(value) : Bundles.link(url, url)).append("</td></tr>\n");
        text.append(String.format("%-15s %s%n", label + ":", value));
    }

    private void endpoint(StringBuilder html, StringBuilder text) {
        KernelConfig c = ctx.config();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("url", SecretMasker.maskUrl(ctx.endpoint().get()));
        e.put("auth", c.auth());
        if (c.username() != null) {
            e.put("username", c.username());
        }
        if (c.password() != null) {
            e.put("password", SecretMasker.MASK);
        }
        if (!c.customHeaders().isEmpty()) {
            e.put("custom_headers", SecretMasker.mask(c.customHeaders()));
        }
        if (c.certificateChecksOff()) {
            e.put("ignore_ssl_errors", "true: the certificate and host name of this Livy are NOT checked; anyone on "
                    + "the network path can read and change what the kernel sends. Set a CA bundle instead where you can.");
        }
        e.put("session_startup_timeout_seconds", c.sessionStartupTimeout().toSeconds());
        e.put("livy_server_heartbeat_timeout_seconds", c.heartbeatTimeoutSeconds());
        html.append("<h4>Endpoint</h4>\n<table class=\"livy-info-endpoint\">\n");
        text.append("\nEndpoint:\n");
        e.forEach((k, v) -> {
            String value = v instanceof Map<?, ?> ? Bundles.json(v) : String.valueOf(v);
            html.append("<tr><th style=\"text-align:left\">").append(Bundles.esc(k)).append("</th><td><code>")
                    .append(Bundles.esc(value)).append("</code></td></tr>\n");
            text.append("  ").append(k).append(": ").append(value).append('\n');
        });
        html.append("</table>\n");
    }

    private String configJson() {
        return Bundles.json(SecretMasker.mask(ctx.sessions().creationBody()));
    }

    private void otherSessions(Session own, StringBuilder html, StringBuilder text) {
        html.append("<h4>Sessions on the endpoint</h4>\n");
        text.append("\nSessions on the endpoint:\n");
        List<Session> all;
        try {
            all = ctx.sessions().list();
        } catch (LivyException | IllegalStateException e) {
            String msg = "Could not list the sessions: " + e.getMessage();
            html.append("<p>").append(Bundles.esc(msg)).append("</p>\n");
            text.append(msg).append('\n');
            return;
        }
        if (all.isEmpty()) {
            html.append("<p>No sessions.</p>\n");
            text.append("No sessions.\n");
            return;
        }
        html.append("<table class=\"livy-info-sessions\">\n<thead><tr>");
        COLUMNS.forEach(col -> html.append("<th>").append(Bundles.esc(col)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        List<List<Object>> rows = new ArrayList<>();
        for (Session s : all) {
            boolean mine = own != null && own.id() == s.id();
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
    }
}
