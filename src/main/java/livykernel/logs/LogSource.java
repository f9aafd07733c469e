package livykernel.logs;

import livykernel.livy.LivyException;
import livykernel.livy.SessionLog;

import java.util.List;

/** Where the lines of a session's log come from: Livy's own {@code /log} today, the EMR S3 archive of a gone session next. */
public interface LogSource {

    /**
     * A page of the session's log. {@code from} null means "the last {@code size} lines"; a
     * negative {@code size} means all of them. Failures are {@link LivyException}s.
     */
    SessionLog page(int sessionId, Integer from, int size);

    /** The last {@code lines} lines, or nothing when the log cannot be read (for error messages). */
    default List<String> tail(int sessionId, int lines) {
        try {
            SessionLog log = page(sessionId, null, lines);
            return log.log() == null ? List.of() : log.log();
        } catch (LivyException e) {
            return List.of();
        }
    }
}
