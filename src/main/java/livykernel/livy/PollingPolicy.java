package livykernel.livy;

import java.time.Duration;

/**
 * How long to wait before the next poll of a running statement. Short statements are common,
 * so the first polls come after a few milliseconds; the wait then grows with the time already
 * spent, so a finished statement is seen after at most max(floor, 5 % of its duration), and a
 * long one costs at most one request per {@code cap}.
 */
public record PollingPolicy(Duration first, Duration floor, double fraction, Duration cap) {

    /** 5 ms ramping to a 20 ms floor, then 5 % of the elapsed time, capped at 500 ms (2 requests/s). */
    public static final PollingPolicy DEFAULT = new PollingPolicy(Duration.ofMillis(5), Duration.ofMillis(20), 0.05,
            Duration.ofMillis(500));

    public long nextDelayMillis(long elapsedMillis) {
        long ramp = Math.max(first.toMillis(), Math.min(floor.toMillis(), elapsedMillis / 2));
        long grown = (long) (elapsedMillis * fraction);
        return Math.min(cap.toMillis(), Math.max(ramp, grown));
    }
}
