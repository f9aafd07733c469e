package livykernel.execution;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The code that ran successfully in the kernel's session, statement by statement, and that of
 * the last session that was lost: what {@code %%replay} re-runs in a new session.
 */
public final class SessionCells {

    /** One statement that ended ok: the code as submitted, its kind (may be null) and a label for lists. */
    public record Ran(String code, String kind, String label) {
    }

    /** The cells of a session that is gone. */
    public record Lost(int sessionId, List<Ran> cells) {
        public Lost {
            cells = List.copyOf(cells);
        }
    }

    private int sessionId = -1;
    private List<Ran> current = new ArrayList<>();
    private Lost lost;

    /** A statement of session {@code id} ended ok; a new id starts a new list. */
    public synchronized void ran(int id, Ran cell) {
        if (id != sessionId) {
            sessionId = id;
            current = new ArrayList<>();
        }
        current.add(cell);
    }

    /**
     * Session {@code id} is gone: its cells become the ones to replay. A lost session that ran
     * nothing keeps the previous list, so a session lost twice in a row still replays the original work.
     */
    public synchronized void lost(int id) {
        if (id == sessionId && !current.isEmpty()) {
            lost = new Lost(id, current);
        }
        if (id == sessionId) {
            sessionId = -1;
            current = new ArrayList<>();
        }
    }

    /** How many cells a replay would run now. */
    public synchronized int replayable() {
        return lost == null ? 0 : lost.cells().size();
    }

    public synchronized Optional<Lost> lastLost() {
        return Optional.ofNullable(lost);
    }

    /** Every cell of the lost session ran again: there is nothing left to replay. */
    public synchronized void replayed(Lost done) {
        if (lost == done) {
            lost = null;
        }
    }
}
