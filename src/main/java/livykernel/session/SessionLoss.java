package livykernel.session;

import java.time.Duration;

/**
 * Why the kernel's Livy session went, as far as Livy still tells: its kind, the state Livy last
 * reported (null when Livy no longer has the session at all), how long it had been idle when
 * the kernel noticed, and the log line that gave the reason away (or null).
 */
public record SessionLoss(int sessionId, Kind kind, String state, Duration idleFor, String evidence) {

    /** The causes the kernel can tell apart from Livy's REST API alone. */
    public enum Kind { IDLE_TIMEOUT, KILLED, DRIVER_OUT_OF_MEMORY, LOST_EXECUTOR, ID_REUSED, UNKNOWN }
}
