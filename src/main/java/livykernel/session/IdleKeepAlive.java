package livykernel.session;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code session_idle_keepalive} setting at work: once a minute, the held session is kept from
 * Livy's idle timeout while its last cell ended less than the configured time ago. Livy checks
 * idle sessions once a minute at the fastest ({@code livy.server.session.timeout-check.interval}),
 * so one request a minute is enough for any timeout Livy can apply.
 */
public final class IdleKeepAlive {

    static final Duration PERIOD = Duration.ofMinutes(1);

    private final SessionManager sessions;
    private final Duration window;

    public IdleKeepAlive(SessionManager sessions, Duration window) {
        this.sessions = sessions;
        this.window = window;
    }

    /** Schedules the keep-alive on {@code scheduler} (the Livy poller's); does nothing when it is off. */
    public void schedule(ScheduledExecutorService scheduler) {
        if (window.isZero() || window.isNegative()) {
            return;
        }
        scheduler.scheduleWithFixedDelay(() -> sessions.keepIdleSessionAlive(window),
                PERIOD.toSeconds(), PERIOD.toSeconds(), TimeUnit.SECONDS);
    }
}
