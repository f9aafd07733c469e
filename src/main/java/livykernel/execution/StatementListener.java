package livykernel.execution;

import livykernel.kernel.CellOutput;
import livykernel.livy.Session;
import livykernel.livy.Statement;

/**
 * Observes the one statement that runs at a time (the progress display is one). {@code started}
 * and {@code finished} are called on the execution thread, {@code polled} on the poller's;
 * implementations must return quickly and never throw: slow work belongs on their own threads,
 * and the runner swallows and logs anything thrown.
 */
public interface StatementListener {

    StatementListener NONE = new StatementListener() {
    };

    /** The statement was accepted by Livy; {@code out} publishes with the cell as parent. */
    default void started(Session session, Statement statement, CellOutput out) {
    }

    /** The latest poll of the running statement (its {@code progress} field included). */
    default void polled(Statement statement) {
    }

    /** The statement ended (available, cancelled, or lost); called before its outputs are published. */
    default void finished(Statement last, CellOutput out) {
    }
}
