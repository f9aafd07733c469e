package livykernel.execution;

import livykernel.display.Errors;
import livykernel.session.SessionLoss;

/** The sentence that says why a session went, chosen by the kind of loss (the wording is in {@link Errors}). */
final class LossWords {

    private LossWords() {
    }

    static String why(SessionLoss loss) {
        return switch (loss.kind()) {
            case IDLE_TIMEOUT -> Errors.goneIdle(loss.sessionId(), loss.idleFor());
            case KILLED -> Errors.goneKilled(loss.sessionId(), loss.state(), loss.evidence());
            case DRIVER_OUT_OF_MEMORY -> Errors.goneOutOfMemory(loss.sessionId(), loss.evidence());
            case LOST_EXECUTOR -> Errors.goneLostExecutor(loss.sessionId(), loss.evidence());
            case ID_REUSED -> Errors.goneIdReused(loss.sessionId(), loss.evidence());
            case UNKNOWN -> Errors.goneUnknown(loss.sessionId(), loss.state());
        };
    }

    /** The end of the loss message: where EMR archives the session's logs, or empty when the kernel does not know. */
    static String logsAt(SessionLoss loss) {
        return Errors.archivedLogs(loss.sessionId(), loss.archivedLogs());
    }
}
