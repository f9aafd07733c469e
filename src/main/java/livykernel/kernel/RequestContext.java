package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The request a cell runs for, handed explicitly to everything that publishes for it or must
 * stop when the user interrupts: the execute_request's header (parent of every output, comm
 * message and widget update of the cell) and the cell's one interrupt.
 */
public final class RequestContext {

    /** Removes an interrupt action that is no longer wanted. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final JsonNode parent;
    private final boolean recordsTiming;
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();

    public RequestContext(JsonNode parent) {
        this(parent, false);
    }

    /** {@code recordsTiming}: the request's metadata asked for timing (JupyterLab's {@code recordTiming}). */
    public RequestContext(JsonNode parent, boolean recordsTiming) {
        this.parent = parent == null ? JsonNodeFactory.instance.objectNode() : parent;
        this.recordsTiming = recordsTiming;
    }

    /** A context with an empty parent header, for work that belongs to no request (and tests). */
    public static RequestContext detached() {
        return new RequestContext(null);
    }

    /** The header of the request; publish with it as parent so front ends route the message to the cell. */
    public JsonNode parent() {
        return parent;
    }

    /**
     * Whether the front end records the cell's timing from its iopub status messages (JupyterLab
     * and Notebook 7 then keep {@code execution["iopub.status.busy"]} in the cell's metadata).
     */
    public boolean recordsTiming() {
        return recordsTiming;
    }

    public boolean isInterrupted() {
        return interrupted.get();
    }

    /** Runs {@code action} when the request is interrupted, at once if it already was. */
    public Registration onInterrupt(Runnable action) {
        actions.add(action);
        if (interrupted.get() && actions.remove(action)) {
            action.run();
        }
        return () -> actions.remove(action);
    }

    /** Marks the request interrupted and runs each registered action once; later calls do nothing. */
    public void interrupt() {
        if (!interrupted.compareAndSet(false, true)) {
            return;
        }
        for (Runnable a : actions) {
            if (actions.remove(a)) {
                a.run();
            }
        }
    }
}
