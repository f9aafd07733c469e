package livykernel.execution;

import livykernel.display.OutputMapper;
import livykernel.kernel.Cell;
import livykernel.kernel.CellExecutor;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

/** Runs a plain cell as one statement of the Livy session and shows its output. */
public final class LivyCellExecutor implements CellExecutor {

    private final StatementRunner runner;
    private final OutputMapper outputs;

    public LivyCellExecutor(StatementRunner runner, OutputMapper outputs) {
        this.runner = runner;
        this.outputs = outputs;
    }

    @Override
    public CellResult execute(Cell cell, CellOutput out) throws InterruptedException {
        return runner.run(cell.code(), null, out, output -> outputs.map(output).publishTo(out));
    }

    @Override
    public void shutdown(boolean restart) {
        runner.shutdown();
    }
}
