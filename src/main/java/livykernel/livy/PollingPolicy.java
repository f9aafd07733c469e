package livykernel.livy;

import java.time.Duration;

/**
 * How long to wait before the next poll of a running statement. The wait grows with the
 * time already spent, so a finished statement is seen after at most max(floor, 5 % of its
 * duration), and a long one costs at most one request per {@code cap}.
 */
public record PollingPolicy(Duration floor, double fraction, Duration cap) {

    /** 20 ms floor, 5 % growth, 500 ms cap: overhead within max(30 ms, 5 %), at most 2 requests/s. */
    public static final PollingPolicy DEFAULT = new PollingPolicy(Duration.ofMillis(20), 0.05, Duration.ofMillis(500));

    public long nextDelayMillis(long elapsedMillis) {
        long grown = (long) (elapsedMillis * fraction);
        return Math.min(cap.toMillis(), Math.max(floor.toMillis(), grown));
    }
}
