package livykernel.session;

import java.time.Duration;
import java.util.List;

/**
 * Why the kernel's Livy session went, as far as Livy still tells: its kind, the state Livy last
 * reported (null when Livy no longer has the session at all), how long it had been idle when
 * the kernel noticed, the log line that gave the reason away (or null), and where EMR archives
 * its logs in S3 (empty unless the kernel knows its EMR cluster).
 */
public record SessionLoss(int sessionId, Kind kind, String state, Duration idleFor, String evidence,
                          List<String> archivedLogs) {

    /** The causes the kernel can tell apart from Livy's REST API alone. */
    public enum Kind { IDLE_TIMEOUT, KILLED, DRIVER_OUT_OF_MEMORY, LOST_EXECUTOR, ID_REUSED, UNKNOWN }

    public SessionLoss {
        archivedLogs = List.copyOf(archivedLogs);
    }

    public SessionLoss(int sessionId, Kind kind, String state, Duration idleFor, String evidence) {
        this(sessionId, kind, state, idleFor, evidence, List.of());
    }

    public SessionLoss withKind(Kind k) {
        return new SessionLoss(sessionId, k, state, idleFor, evidence, archivedLogs);
    }

    public SessionLoss withArchivedLogs(List<String> uris) {
        return new SessionLoss(sessionId, kind, state, idleFor, evidence, uris);
    }
}
