package livykernel.magics;

import livykernel.display.BundleDecoder;
import livykernel.display.Bundles;
import livykernel.display.Errors;
import livykernel.display.ResultTable;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;

import java.util.List;
import java.util.Map;

/**
 * {@code %%pretty}: runs the code in the session; when its last line is a DataFrame expression
 * the rows are shown as a table (HTML, text, Table Schema) instead of {@code DataFrame[id: bigint]}.
 * With {@code -o VAR} that Spark DataFrame's rows also become the pandas DataFrame VAR locally.
 */
final class PrettyMagic implements Magic {

    static final int DEFAULT_MAX_ROWS = 100;
    private static final BundleDecoder BUNDLES = new BundleDecoder();

    private final MagicContext ctx;

    PrettyMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "pretty";
    }

    @Override
    public String summary() {
        return "Run the code; if its last line is a Spark (or pandas) DataFrame, show its rows as a table.";
    }

    @Override
    public String example() {
        return "%%pretty\nspark.range(5).selectExpr(\"id\", \"id * id AS square\")";
    }

    @Override
    public List<Flag> flags() {
        List<Flag> flags = new java.util.ArrayList<>(List.of(Flag.value("-n", "--maxrows", "MAXROWS",
                "show at most MAXROWS rows (default " + DEFAULT_MAX_ROWS + ", -1 for all); with -o, also bring at most"
                        + " MAXROWS rows (default " + SqlMagic.DEFAULT_MAX_ROWS + ")")));
        flags.addAll(LocalTransfer.flags("the last line's Spark DataFrame"));
        flags.addAll(SqlMagic.samplingFlags());
        return flags;
    }

    @Override
    public Body body() {
        // Optional because "%%pretty df" alone is enough; run() insists on code from one or the other.
        return Body.OPTIONAL;
    }

    @Override
    public int maxPositionals() {
        // "%%pretty df" shows a DataFrame variable without a body.
        return 1;
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) throws InterruptedException {
        int maxRows = call.args().intValue("pretty", "maxrows", DEFAULT_MAX_ROWS);
        LocalTransfer.Request output = SqlMagic.options(call.args(), "pretty").output();
        if (output == null && call.args().has("samplemethod")) {
            throw new MagicUsageException("%%pretty: -m only applies with -o VAR.");
        }
        String code = call.body();
        if (!call.args().positionals().isEmpty()) {
            code = code.isBlank() ? call.args().positionals().get(0)
                    : code.stripTrailing() + "\n" + call.args().positionals().get(0);
        }
        if (code.isBlank()) {
            throw new MagicUsageException("%%pretty needs code whose last line is a DataFrame, on the lines after it "
                    + "or as its argument: %%pretty df");
        }
        if (output != null) {
            CellResult local = ctx.local().start(out);
            if (!local.ok()) {
                return local;
            }
        }
        Shown shown = new Shown();
        CellResult ran = ctx.runner().run(SessionPython.pretty(code, maxRows, ctx.config().displayMaxBytes(), output != null),
                null, "%%pretty " + code.strip(), out, o -> render(o, maxRows, out, shown));
        if (!ran.ok() || output == null) {
            return ran;
        }
        if (!shown.kept) {
            return Errors.usage("TypeError", "%%pretty -o " + output.variable() + " brings a Spark DataFrame, and the cell's"
                    + " last line " + (shown.type == null ? "is not an expression" : "gives a value of type " + shown.type) + ".");
        }
        LocalTransfer transfer = new LocalTransfer(ctx);
        return ctx.runner().run(LocalTransfer.stashCode(null, SessionPython.PRETTY_VALUE, output), null,
                "%%pretty -o " + output.variable(), out,
                o -> transfer.finishing(o, output, "the last line's DataFrame", false, out));
    }

    /** What the shown statement's answer said of its last line: whether the session kept it for -o, and its type. */
    private static final class Shown {
        boolean kept;
        String type;
    }

    private static CellResult render(StatementOutput output, int maxRows, CellOutput out, Shown shown) {
        if (output == null) {
            return Errors.usage("LivyError", "Livy returned no output for the cell.");
        }
        if (output.isError()) {
            return Errors.sparkMessage(output);
        }
        SessionPython.Printed printed = SessionPython.parse(output.data() == null ? null : output.data().path("text/plain").asText(null));
        if (printed == null) {
            return Errors.usage("LivyError", "The cell ran but its result could not be read back from the session.");
        }
        if (!printed.before().isEmpty()) {
            // The code may call display(): its bundles come out as displays, in order with its prints.
            BUNDLES.decode(printed.before()).forEach(o -> o.publishTo(out));
        }
        if (!printed.after().isBlank()) {
            out.stream("stderr", printed.after().strip() + "\n");
        }
        String kind = printed.result().path("kind").asText();
        shown.kept = printed.result().path("kept").asBoolean(false);
        shown.type = printed.result().path("type").asText(null);
        switch (kind) {
            case "table" -> {
                ResultTable table = ResultTable.from(printed.result());
                String bySize = ResultTable.sizeCut(printed.result());
                out.executeResult(table.bundle(bySize != null ? bySize : table.caption(maxRows, "-n")), Map.of());
            }
            case "html" -> out.executeResult(Bundles.of(printed.result().path("html").asText(),
                    printed.result().path("text").asText()), Map.of());
            case "repr" -> {
                if (!printed.result().path("text").isNull()) {
                    out.executeResult(Map.of("text/plain", printed.result().path("text").asText()), Map.of());
                }
            }
            default -> {
            }
        }
        return CellResult.success();
    }
}
