package livykernel.magics;

import livykernel.kernel.Cell;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

import java.util.List;

/**
 * {@code %%spark}: sparkmagic's explicit form of a plain cell. The body runs in the session as
 * usual; with {@code -o VAR} the session's DataFrame VAR then becomes a pandas DataFrame locally.
 */
final class SparkMagic implements Magic {

    private final MagicContext ctx;

    SparkMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public String summary() {
        return "Run the body in the Spark session (what every plain cell does; kept for sparkmagic notebooks).";
    }

    @Override
    public String example() {
        return "%%spark\nspark.range(10).count()";
    }

    @Override
    public List<Flag> flags() {
        List<Flag> flags = new java.util.ArrayList<>(LocalTransfer.flags("the session's DataFrame VAR"));
        flags.addAll(SqlMagic.rowFlags("bring"));
        return flags;
    }

    @Override
    public Body body() {
        return Body.REQUIRED;
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) throws InterruptedException {
        SqlMagic.Options o = SqlMagic.options(call.args(), "spark");
        if (o.output() == null && (call.args().has("maxrows") || call.args().has("samplemethod"))) {
            throw new MagicUsageException("%%spark: -n and -m only apply with -o VAR.");
        }
        if (o.output() != null) {
            CellResult local = ctx.local().start(out);
            if (!local.ok()) {
                return local;
            }
        }
        Cell c = call.cell();
        CellResult ran = ctx.livy().execute(new Cell(call.body(), c.executionCount(), c.silent(), c.storeHistory()), out);
        if (!ran.ok() || o.output() == null) {
            return ran;
        }
        LocalTransfer transfer = new LocalTransfer(ctx);
        String variable = o.output().variable();
        return ctx.runner().run(LocalTransfer.stashCode(null, variable, o.output()), null, "%%spark -o " + variable, out,
                output -> transfer.finishing(output, o.output(), variable, false, out));
    }
}
