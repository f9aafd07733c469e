package livykernel.progress;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

import java.util.List;

/**
 * Full ipywidgets 8 states (every key {@code get_state()} would send, with the schema's defaults)
 * for the few models the progress display uses. Full states matter: nbclient and a reloading
 * front end only know what was sent.
 */
final class WidgetStates {

    static final String BASE = "@jupyter-widgets/base";
    static final String CONTROLS = "@jupyter-widgets/controls";
    static final String VERSION = "2.0.0";

    private static final List<String> LAYOUT_KEYS = List.of("align_content", "align_items", "align_self",
            "border_bottom", "border_left", "border_right", "border_top", "bottom", "display", "flex", "flex_flow",
            "grid_area", "grid_auto_columns", "grid_auto_flow", "grid_auto_rows", "grid_column", "grid_gap", "grid_row",
            "grid_template_areas", "grid_template_columns", "grid_template_rows", "height", "justify_content",
            "justify_items", "left", "margin", "max_height", "max_width", "min_height", "min_width", "object_fit",
            "object_position", "order", "overflow", "padding", "right", "top", "visibility", "width");

    private WidgetStates() {
    }

    static ObjectNode layout(String width) {
        ObjectNode s = header(BASE, "LayoutModel", BASE, "LayoutView");
        LAYOUT_KEYS.forEach(s::putNull);
        if (width != null) {
            s.put("width", width);
        }
        return s;
    }

    static ObjectNode progressStyle() {
        ObjectNode s = header(CONTROLS, "ProgressStyleModel", BASE, "StyleView");
        s.putNull("bar_color");
        s.put("description_width", "");
        return s;
    }

    static ObjectNode htmlStyle() {
        ObjectNode s = header(CONTROLS, "HTMLStyleModel", BASE, "StyleView");
        s.putNull("background");
        s.put("description_width", "");
        s.putNull("font_size");
        s.putNull("text_color");
        return s;
    }

    static ObjectNode intProgress(String layout, String style, String description, int value, int max, String barStyle) {
        ObjectNode s = dom(CONTROLS, "IntProgressModel", "ProgressView", layout);
        s.put("bar_style", barStyle);
        s.put("description", description);
        s.put("description_allow_html", false);
        s.put("max", max);
        s.put("min", 0);
        s.put("orientation", "horizontal");
        s.put("style", style);
        s.put("value", value);
        return s;
    }

    static ObjectNode html(String layout, String style, String value) {
        ObjectNode s = dom(CONTROLS, "HTMLModel", "HTMLView", layout);
        s.put("description", "");
        s.put("description_allow_html", false);
        s.put("placeholder", "\u200b");
        s.put("style", style);
        s.put("value", value);
        return s;
    }

    static ObjectNode box(String modelName, String viewName, String layout, List<String> children) {
        ObjectNode s = dom(CONTROLS, modelName, viewName, layout);
        s.put("box_style", "");
        s.set("children", refs(children));
        return s;
    }

    static ObjectNode accordion(String layout, List<String> children, List<String> titles, Integer selected) {
        ObjectNode s = box("AccordionModel", "AccordionView", layout, children);
        if (selected == null) {
            s.putNull("selected_index");
        } else {
            s.put("selected_index", selected);
        }
        ArrayNode t = s.putArray("titles");
        titles.forEach(t::add);
        return s;
    }

    static ArrayNode refs(List<String> refs) {
        ArrayNode a = Json.mapper().createArrayNode();
        refs.forEach(a::add);
        return a;
    }

    private static ObjectNode dom(String module, String model, String view, String layout) {
        ObjectNode s = header(module, model, module, view);
        s.putArray("_dom_classes");
        s.put("layout", layout);
        s.putNull("tabbable");
        s.putNull("tooltip");
        return s;
    }

    private static ObjectNode header(String modelModule, String model, String viewModule, String view) {
        ObjectNode s = Json.object();
        s.put("_model_module", modelModule);
        s.put("_model_module_version", VERSION);
        s.put("_model_name", model);
        s.putNull("_view_count");
        s.put("_view_module", viewModule);
        s.put("_view_module_version", VERSION);
        s.put("_view_name", view);
        return s;
    }
}
