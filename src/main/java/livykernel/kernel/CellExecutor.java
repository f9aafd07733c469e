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

    /** Releases remote resources; with {@code restart} the next cell starts afresh. */
    void shutdown(boolean restart);
}
