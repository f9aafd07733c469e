package livykernel.magics;

import livykernel.display.Bundles;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code %%help}: a table of every magic with its flags, generated from the registry so it never drifts. */
final class HelpMagic implements Magic {

    private final MagicRegistry registry;

    HelpMagic(MagicRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "help";
    }

    @Override
    public String summary() {
        return "This table.";
    }

    @Override
    public String example() {
        return "%%help";
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        out.display(bundle(), Map.of(), null);
        return CellResult.success();
    }

    Map<String, Object> bundle() {
        return Bundles.of(html(), text());
    }

    String html() {
        StringBuilder sb = new StringBuilder("<table class=\"livy-magics-help\">\n<thead><tr><th>Magic</th><th>Flags</th>"
                + "<th>What it does</th><th>Example</th></tr></thead>\n<tbody>\n");
        for (Magic m : registry.all()) {
            sb.append("<tr><td><code>%%").append(Bundles.esc(m.name())).append("</code></td><td>");
            sb.append(m.flags().stream().map(f -> "<code>" + Bundles.esc(f.usage()) + "</code>: " + Bundles.esc(f.help()))
                    .collect(Collectors.joining("<br>")));
            sb.append("</td><td>").append(Bundles.esc(m.summary())).append("</td><td><code>")
                    .append(Bundles.esc(m.example())).append("</code></td></tr>\n");
        }
        for (String[] l : livyMagics()) {
            sb.append("<tr><td><code>").append(Bundles.esc(l[0])).append("</code></td><td></td><td>")
                    .append(Bundles.esc(l[1])).append("</td><td><code>").append(Bundles.esc(l[2]))
                    .append("</code></td></tr>\n");
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    String text() {
        StringBuilder sb = new StringBuilder("Magics (a cell that starts with one of them runs it; any other cell runs "
                + "in the Spark session):\n");
        for (Magic m : registry.all()) {
            sb.append("\n%%").append(m.name()).append("  ").append(m.summary()).append('\n');
            for (Flag f : m.flags()) {
                sb.append("    ").append(f.usage()).append("  ").append(f.help()).append('\n');
            }
            sb.append("    e.g. ").append(m.example().replace("\n", "\n         ")).append('\n');
        }
        sb.append("\nLivy's own magics, as lines inside Python code:\n");
        for (String[] l : livyMagics()) {
            sb.append("  ").append(l[0]).append("  ").append(l[1]).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    private static List<String[]> livyMagics() {
        List<String[]> l = new ArrayList<>();
        l.add(new String[]{"%json VAR", "Show a Python value as JSON (with a text fallback).", "%json counts"});
        l.add(new String[]{"%table VAR", "Show a list of rows (Row, dict, tuple) as a table.", "%table rows"});
        l.add(new String[]{"%matplot plt", "Show the current matplotlib figure as a PNG.", "%matplot plt"});
        return l;
    }
}
