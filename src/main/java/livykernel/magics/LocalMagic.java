package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

/**
 * {@code %%local}: runs the body in the kernel's own local Python (an IPython started on first
 * use), where {@code -o} DataFrames arrive; its outputs show in the cell as IPython shows them.
 */
final class LocalMagic implements Magic {

    private final MagicContext ctx;

    LocalMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String summary() {
        return "Run the body in the kernel's local Python (IPython, started on first use), where -o DataFrames "
                + "land: plot them with matplotlib, show them with pandas.";
    }

    @Override
    public String example() {
        return "%%local\ncounts.plot.bar(x=\"day\", y=\"n\")";
    }

    @Override
    public Body body() {
        return Body.OPTIONAL;
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        if (call.body().isBlank()) {
            return CellResult.success();
        }
        return ctx.local().run(call.body(), out);
    }
}
