package livykernel.session;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Tells from Livy's last state, the tail of the session log and the session's idle time why a
 * session went. Log evidence wins over inference: a driver that ran out of memory while idle was
 * not reaped for idleness.
 */
public final class LossClassifier {

    /**
     * A session gone after less idle time than this was not reaped for idleness: no real Livy
     * runs with a shorter timeout, and the kernel's own clock and Livy's reaper are not in step.
     */
    static final Duration MIN_IDLE_FOR_TIMEOUT = Duration.ofSeconds(3);
    private static final int EVIDENCE_CHARS = 160;

    private static final List<String> OUT_OF_MEMORY = List.of("java.lang.outofmemoryerror", "exceeding memory limits",
            "exceeding physical memory", "gc overhead limit exceeded", "exit code 137", "killed by the oom");
    private static final List<String> KILLED = List.of("killed by user", "application killed", "received signal term", "yarn application -kill", "killed by yarn");
    private static final List<String> LOST_EXECUTOR = List.of("executorlostfailure", "lost executor", "lost node",
            "node lost", "decommission", "executor heartbeat timed out", "slave lost", "worker lost");

    private LossClassifier() {
    }

    /**
     * {@code state} is Livy's last state of the session, null when Livy answered 404;
     * {@code idleFor} may be null; {@code duringStatement} says a statement was running, which
     * rules out the idle timeout (the kernel keeps a running statement's session alive).
     */
    public static SessionLoss classify(int sessionId, String state, List<String> logTail, Duration idleFor,
                                       boolean duringStatement) {
        String oom = lastMatching(logTail, OUT_OF_MEMORY);
        if (oom != null) {
            return new SessionLoss(sessionId, SessionLoss.Kind.DRIVER_OUT_OF_MEMORY, state, idleFor, oom);
        }
        String killed = lastMatching(logTail, KILLED);
        if ("killed".equals(state) || killed != null) {
            return new SessionLoss(sessionId, SessionLoss.Kind.KILLED, state, idleFor, killed);
        }
        String lost = lastMatching(logTail, LOST_EXECUTOR);
        if (lost != null) {
            return new SessionLoss(sessionId, SessionLoss.Kind.LOST_EXECUTOR, state, idleFor, lost);
        }
        boolean reapable = state == null || "dead".equals(state) || "shutting_down".equals(state);
        if (reapable && !duringStatement && idleFor != null && idleFor.compareTo(MIN_IDLE_FOR_TIMEOUT) >= 0) {
            return new SessionLoss(sessionId, SessionLoss.Kind.IDLE_TIMEOUT, state, idleFor, null);
        }
        return new SessionLoss(sessionId, SessionLoss.Kind.UNKNOWN, state, idleFor, null);
    }

    /** The newest log line that contains one of {@code needles} (any case), shortened; null if none. */
    private static String lastMatching(List<String> lines, List<String> needles) {
        if (lines == null) {
            return null;
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i) == null ? "" : lines.get(i).strip();
            String lower = line.toLowerCase(Locale.ROOT);
            for (String n : needles) {
                if (lower.contains(n)) {
                    return line.length() > EVIDENCE_CHARS ? line.substring(0, EVIDENCE_CHARS) + "…" : line;
                }
            }
        }
        return null;
    }
}
