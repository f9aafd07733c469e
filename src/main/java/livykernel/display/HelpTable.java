package livykernel.display;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The table {@code %%help} shows: one row per magic with its flags, then Livy's own in-code magics. */
public final class HelpTable {

    /** A flag as help shows it: "-n, --lines N" and what it does. */
    public record Flag(String usage, String help) {
    }

    /** One of the kernel's magics, by its name without percent signs. */
    public record Magic(String name, List<Flag> flags, String summary, String example) {
    }

    /** One of Livy's own magics, written as it is used inside code ("%json VAR"). */
    public record LivyMagic(String usage, String summary, String example) {
    }

    /** Not magics but functions every session has; %%help is where users look for what the kernel adds. */
    static final String DISPLAY_NOTE = "In Python code: display(obj, ...) shows DataFrames as tables (limit=N rows), "
            + "matplotlib figures (format=\"svg\" for SVG), HTML and any object with IPython's _repr_*_ methods; "
            + "displayHTML(html) shows HTML.";

    private HelpTable() {
    }

    public static Map<String, Object> bundle(List<Magic> magics, List<LivyMagic> livyMagics) {
        return Bundles.of(html(magics, livyMagics), text(magics, livyMagics));
    }

    static String html(List<Magic> magics, List<LivyMagic> livyMagics) {
        StringBuilder sb = new StringBuilder("<table class=\"livy-magics-help\">\n<thead><tr><th>Magic</th><th>Flags</th>"
                + "<th>What it does</th><th>Example</th></tr></thead>\n<tbody>\n");
        for (Magic m : magics) {
            sb.append("<tr><td><code>%%").append(Bundles.esc(m.name())).append("</code></td><td>");
            sb.append(m.flags().stream().map(f -> "<code>" + Bundles.esc(f.usage()) + "</code>: " + Bundles.esc(f.help()))
                    .collect(Collectors.joining("<br>")));
            sb.append("</td><td>").append(Bundles.esc(m.summary())).append("</td><td><code>")
                    .append(Bundles.esc(m.example())).append("</code></td></tr>\n");
        }
        for (LivyMagic l : livyMagics) {
            sb.append("<tr><td><code>").append(Bundles.esc(l.usage())).append("</code></td><td></td><td>")
                    .append(Bundles.esc(l.summary())).append("</td><td><code>").append(Bundles.esc(l.example()))
                    .append("</code></td></tr>\n");
        }
        return sb.append("</tbody>\n</table>\n<p>").append(Bundles.esc(DISPLAY_NOTE)).append("</p>").toString();
    }

    static String text(List<Magic> magics, List<LivyMagic> livyMagics) {
        StringBuilder sb = new StringBuilder("Magics (a cell that starts with one of them runs it; any other cell runs "
                + "in the Spark session):\n");
        for (Magic m : magics) {
            sb.append("\n%%").append(m.name()).append("  ").append(m.summary()).append('\n');
            for (Flag f : m.flags()) {
                sb.append("    ").append(f.usage()).append("  ").append(f.help()).append('\n');
            }
            sb.append("    e.g. ").append(m.example().replace("\n", "\n         ")).append('\n');
        }
        sb.append("\nLivy's own magics, as lines inside Python code:\n");
        for (LivyMagic l : livyMagics) {
            sb.append("  ").append(l.usage()).append("  ").append(l.summary()).append('\n');
        }
        return sb.append('\n').append(DISPLAY_NOTE).toString();
    }
}
