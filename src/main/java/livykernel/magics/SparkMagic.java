package livykernel.magics;

import livykernel.kernel.Cell;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

import java.util.List;

/**
 * {@code %%spark}: sparkmagic's explicit form of a plain cell. The body runs in the session as
 * usual; {@code -o VAR} is refused because there is no local namespace to copy the result to.
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
        return List.of(Flag.value("-o", "--output", "VAR", "not supported: there is no local Python to copy the result to"));
    }

    @Override
    public Body body() {
        return Body.REQUIRED;
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) throws InterruptedException {
        if (call.args().has("output")) {
            throw NoLocalNamespace.refuse("%%spark -o " + call.args().value("output"),
                    "The variables of the cell already live in the Spark session; use them in the next cell.");
        }
        Cell c = call.cell();
        return ctx.livy().execute(new Cell(call.body(), c.executionCount(), c.silent(), c.storeHistory()), out);
    }
}
