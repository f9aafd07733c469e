package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.kernel.CommManager;
import livykernel.wire.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ipywidgets view of one statement's progress: an Accordion "Spark Job Progress" holding an
 * overall bar, one bar per job (with its description and task counts), the stage table and the
 * executors in use. Only stock {@code @jupyter-widgets/controls} models, so no front-end extension
 * is needed. Not thread-safe: driven by one statement's monitor.
 */
final class ProgressWidget {

    static final String TITLE = "Spark Job Progress";

    private final CommManager comms;
    private final JsonNode parent;
    private final WidgetRegistry registry;
    private final List<WidgetModel> models = new ArrayList<>();
    private final Map<Integer, WidgetModel[]> jobRows = new LinkedHashMap<>();   // job id -> {bar, caption}

    private WidgetModel root;
    private WidgetModel overallBar;
    private WidgetModel overallCaption;
    private WidgetModel jobsBox;
    private WidgetModel stagesHtml;
    private WidgetModel footerHtml;

    ProgressWidget(CommManager comms, JsonNode parent, WidgetRegistry registry) {
        this.comms = comms;
        this.parent = parent;
        this.registry = registry;
    }

    /** Opens every model (leaves first, as ipywidgets does) and returns the id to display. */
    String open(ProgressState s) {
        overallBar = progress("Overall", s.done(), s.total(), s.barStyle());
        overallCaption = html(HtmlRender.overallCaption(s));
        WidgetModel overallRow = box("HBoxModel", "HBoxView", List.of(overallBar, overallCaption));
        List<WidgetModel> rows = new ArrayList<>();
        for (ProgressState.JobRow j : s.jobs()) {
            rows.add(jobRow(j));
        }
        jobsBox = box("VBoxModel", "VBoxView", rows);
        stagesHtml = html(HtmlRender.stageTable(s));
        footerHtml = html(HtmlRender.footer(s));
        WidgetModel body = box("VBoxModel", "VBoxView", List.of(overallRow, jobsBox, stagesHtml, footerHtml));
        root = add(WidgetStates.accordion(layout(null), List.of(body.ref()), List.of(TITLE), 0));
        return root.id();
    }

    /** Sends what changed since the last call; returns true if anything was sent. */
    boolean apply(ProgressState s) {
        boolean sent = false;
        List<WidgetModel> newRows = new ArrayList<>();
        for (ProgressState.JobRow j : s.jobs()) {
            WidgetModel[] row = jobRows.get(j.jobId());
            if (row == null) {
                newRows.add(jobRow(j));
                continue;
            }
            sent |= row[0].update(progressValues(j.done(), j.total(), j.barStyle()), parent);
            sent |= row[1].update(value(HtmlRender.jobCaption(j)), parent);
        }
        if (!newRows.isEmpty()) {
            List<String> children = new ArrayList<>();
            jobsBox.fullState().path("children").forEach(c -> children.add(c.asText()));
            newRows.forEach(r -> children.add(r.ref()));
            ObjectNode change = Json.object();
            change.set("children", WidgetStates.refs(children));
            sent |= jobsBox.update(change, parent);
        }
        sent |= overallBar.update(progressValues(s.done(), s.total(), s.barStyle()), parent);
        sent |= overallCaption.update(value(HtmlRender.overallCaption(s)), parent);
        sent |= stagesHtml.update(value(HtmlRender.stageTable(s)), parent);
        sent |= footerHtml.update(value(HtmlRender.footer(s)), parent);
        return sent;
    }

    /** Closes every model: the display was replaced by a static snapshot, so the front end may drop them. */
    void close() {
        for (int i = models.size() - 1; i >= 0; i--) {
            models.get(i).close(parent);
        }
        models.clear();
    }

    String rootId() {
        return root == null ? null : root.id();
    }

    private WidgetModel jobRow(ProgressState.JobRow j) {
        WidgetModel bar = progress(j.jobId() < 0 ? "Cell" : "Job " + j.jobId(), j.done(), j.total(), j.barStyle());
        WidgetModel caption = html(HtmlRender.jobCaption(j));
        jobRows.put(j.jobId(), new WidgetModel[] {bar, caption});
        return box("HBoxModel", "HBoxView", List.of(bar, caption));
    }

    private WidgetModel progress(String description, int value, int max, String barStyle) {
        WidgetModel style = add(WidgetStates.progressStyle());
        return add(WidgetStates.intProgress(layout(null), style.ref(), description, value, Math.max(max, 1), barStyle));
    }

    private WidgetModel html(String value) {
        WidgetModel style = add(WidgetStates.htmlStyle());
        return add(WidgetStates.html(layout(null), style.ref(), value));
    }

    private WidgetModel box(String model, String view, List<WidgetModel> children) {
        List<String> refs = children.stream().map(WidgetModel::ref).toList();
        return add(WidgetStates.box(model, view, layout(null), refs));
    }

    private String layout(String width) {
        return add(WidgetStates.layout(width)).ref();
    }

    private WidgetModel add(ObjectNode state) {
        WidgetModel m = WidgetModel.open(comms, state, parent, registry);
        models.add(m);
        return m;
    }

    private static ObjectNode progressValues(int value, int max, String barStyle) {
        ObjectNode o = Json.object();
        // max first: the front end clamps value to the max it knows.
        o.put("max", Math.max(max, 1));
        o.put("value", value);
        o.put("bar_style", barStyle);
        return o;
    }

    private static ObjectNode value(String html) {
        ObjectNode o = Json.object();
        o.put("value", html);
        return o;
    }
}
