package livykernel.session;

import livykernel.livy.Session;

import java.time.Duration;

/**
 * Hears how a session start goes, so the cell that waits for it can show it. Called on the
 * poller's thread while the caller waits; must return quickly and not throw.
 */
public interface StartObserver {

    StartObserver NONE = new StartObserver() {
    };

    /** The session was created (or found still starting) and is not ready yet. */
    default void starting(Session session) {
    }

    /** Livy reports a new state while it starts. */
    default void stateChanged(Session session) {
    }

    /** The session can run statements. */
    default void ready(Session session, Duration took) {
    }

    /** The session ended before it was ready. */
    default void failed(Session session) {
    }
}
