package livykernel.kernel;

/**
 * Runs the code of one cell somewhere (a Livy session, a magic) and reports its outputs.
 * The kernel calls {@link #execute} on its single execution thread; an interrupt reaches the
 * cell through {@code out.context()}, and {@link #shutdown} arrives from the control thread
 * while a cell may be running.
 */
public interface CellExecutor {

    /** Runs one cell, publishing outputs through {@code out} as they become available. */
    CellResult execute(Cell cell, CellOutput out) throws InterruptedException;

    /**
     * The cell's result when {@link #execute} threw instead of returning one (an interrupted
     * wait, or a bug). Executors that present errors override it; this default only names the
     * failure, so that even then the user sees a message rather than nothing.
     */
    default CellResult failed(Throwable e) {
        String ename = e instanceof InterruptedException ? "KeyboardInterrupt" : e.getClass().getSimpleName();
        String evalue = e.getMessage() == null || e instanceof InterruptedException ? "" : e.getMessage();
        return CellResult.error(ename, evalue, java.util.List.of(evalue.isEmpty() ? ename : ename + ": " + evalue));
    }

    /** Releases remote resources; with {@code restart} the next cell starts afresh. */
    void shutdown(boolean restart);
}
