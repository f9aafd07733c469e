package livykernel.magics;

import livykernel.display.Errors;
import livykernel.display.ResultTable;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code %%sql}: runs Spark SQL in the session and shows the rows as HTML, text and Table
 * Schema JSON. Rows are capped by -n (stated when it cuts); errors are Spark's message. With
 * -o VAR the rows become a pandas DataFrame in the local Python instead, shown from there.
 */
final class SqlMagic implements Magic {

    static final int DEFAULT_MAX_ROWS = 2500;
    static final double DEFAULT_FRACTION = 0.1;

    private final MagicContext ctx;

    SqlMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "sql";
    }

    @Override
    public String summary() {
        return "Run Spark SQL in the session and show the result as a table.";
    }

    @Override
    public String example() {
        return "%%sql -n 100\nSELECT * FROM my_view WHERE x > 1";
    }

    @Override
    public List<Flag> flags() {
        List<Flag> flags = new java.util.ArrayList<>(List.of(
                Flag.toggle("-q", "--quiet", "run the query, show nothing")));
        flags.addAll(rowFlags("show"));
        flags.addAll(LocalTransfer.flags("the rows"));
        return flags;
    }

    /** -n, -m, -r: how many rows and which; %%spark -o shares them. */
    static List<Flag> rowFlags(String verb) {
        List<Flag> flags = new ArrayList<>();
        flags.add(Flag.value("-n", "--maxrows", "MAXROWS", verb + " at most MAXROWS rows (default " + DEFAULT_MAX_ROWS + ", -1 for all)"));
        flags.addAll(samplingFlags());
        return List.copyOf(flags);
    }

    /** -m and -r, for magics whose -n says something else. */
    static List<Flag> samplingFlags() {
        return List.of(
                Flag.value("-m", "--samplemethod", "take|sample", "take the first rows (default) or sample them"),
                Flag.value("-r", "--samplefraction", "FRACTION", "fraction for -m sample (default " + DEFAULT_FRACTION + ")"));
    }

    @Override
    public Body body() {
        return Body.REQUIRED;
    }

    /** The validated flags of one %%sql call; {@code output} is null without -o. */
    record Options(boolean quiet, int maxRows, boolean sample, double fraction, LocalTransfer.Request output) {
    }

    static Options options(MagicArgs args) {
        return options(args, "sql");
    }

    static Options options(MagicArgs args, String magic) {
        int maxRows = args.intValue(magic, "maxrows", DEFAULT_MAX_ROWS);
        String method = args.value("samplemethod");
        if (method != null && !method.equals("take") && !method.equals("sample")) {
            throw new MagicUsageException("%%" + magic + ": -m must be 'take' or 'sample', not '" + method + "'.");
        }
        boolean sample = "sample".equals(method);
        double fraction = args.doubleValue(magic, "samplefraction", DEFAULT_FRACTION);
        if (args.has("samplefraction") && !sample) {
            throw new MagicUsageException("%%" + magic + ": -r only applies with -m sample.");
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new MagicUsageException("%%" + magic + ": -r must be a fraction between 0 (exclusive) and 1, not " + fraction + ".");
        }
        LocalTransfer.Request output = null;
        if (args.has("output")) {
            LocalTransfer.checkVariable(magic, "-o", args.value("output"));
            output = new LocalTransfer.Request(args.value("output"), maxRows, sample, fraction,
                    LocalTransfer.coerce(args, magic));
        } else if (args.has("coerce")) {
            throw new MagicUsageException("%%" + magic + ": -c only applies with -o VAR.");
        }
        return new Options(args.has("quiet"), maxRows, sample, fraction, output);
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) throws InterruptedException {
        Options o = options(call.args());
        String query = call.body().strip();
        if (query.endsWith(";")) {
            // spark.sql takes one statement; a habitual trailing semicolon should not fail it.
            query = query.substring(0, query.length() - 1).stripTrailing();
        }
        if (o.output() != null) {
            CellResult local = ctx.local().start(out);
            if (!local.ok()) {
                return local;
            }
            LocalTransfer transfer = new LocalTransfer(ctx);
            return ctx.runner().run(LocalTransfer.stashCode(query, null, o.output()), null, "%%sql -o " + o.output().variable()
                    + " " + query, out, output -> transfer.finishing(output, o.output(), o.output().variable(), !o.quiet(), out));
        }
        String code = SessionPython.sql(query, o.maxRows(), o.sample(), o.fraction(), ctx.config().displayMaxBytes());
        return ctx.runner().run(code, null, "%%sql " + query, out, output -> render(output, o, out));
    }

    static CellResult render(StatementOutput output, Options o, CellOutput out) {
        if (output == null) {
            return Errors.usage("LivyError", "Livy returned no output for the query.");
        }
        if (output.isError()) {
            return Errors.sparkMessage(output);
        }
        SessionPython.Printed printed = SessionPython.parse(output.data() == null ? null : output.data().path("text/plain").asText(null));
        if (printed == null) {
            return Errors.usage("LivyError", "The query ran but its result could not be read back from the session.");
        }
        String extra = (printed.before() + "\n" + printed.after()).strip();
        if (!extra.isEmpty()) {
            out.stream("stderr", extra + "\n");
        }
        if (o.quiet()) {
            return CellResult.success();
        }
        ResultTable table = ResultTable.from(printed.result());
        if (table.columns().isEmpty()) {
            return CellResult.success();
        }
        String bySize = ResultTable.sizeCut(printed.result());
        String caption = (bySize != null ? bySize : table.caption(o.maxRows(), "-n"))
                + (o.sample() ? " Rows sampled with fraction " + o.fraction() + "." : "");
        out.executeResult(table.bundle(caption), Map.of());
        return CellResult.success();
    }
}
