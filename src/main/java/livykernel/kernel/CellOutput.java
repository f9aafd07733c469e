package livykernel.kernel;

import java.util.Map;

/**
 * Where a running cell publishes what the user sees. Every message goes out on iopub
 * with the cell's execute_request as parent. Safe to call from any thread.
 */
public interface CellOutput {

    /** The request these outputs belong to: its parent header and its interrupt. */
    RequestContext context();

    /** A {@code stream} message; {@code name} is "stdout" or "stderr". */
    void stream(String name, String text);

    /** A {@code display_data} message; {@code displayId} may be null. */
    void display(Map<String, Object> data, Map<String, Object> metadata, String displayId);

    /** An {@code update_display_data} message for an earlier display with the same id. */
    void updateDisplay(Map<String, Object> data, Map<String, Object> metadata, String displayId);

    /** An {@code execute_result} message carrying the cell's execution count. */
    void executeResult(Map<String, Object> data, Map<String, Object> metadata);

    /** A {@code clear_output} message. */
    void clearOutput(boolean wait);

    /**
     * Publishes another {@code status: busy} for the cell's request, which a front end recording
     * timing takes as the cell's execution starting again (sparkmonitor then clears the cell's
     * jobs at the next job start). Returns whether it did: never once the cell has finished (its
     * idle may be out), for a silent cell, or for a front end that records no timing.
     */
    default boolean restartBusy() {
        return false;
    }
}
