package livykernel.livy;

import java.time.Duration;

/**
 * How long to wait before the next poll of something running on Livy. The wait starts at
 * {@code first}, ramps to {@code floor} as time passes, then grows to {@code fraction} of the
 * time already spent, capped at {@code cap}: a finished statement is seen after at most
 * max(floor, fraction of its duration), and a long one costs at most one request per cap.
 * Every schedule the kernel polls Livy with is one of the constants here, so they are tuned in one place.
 */
public record PollingPolicy(Duration first, Duration floor, double fraction, Duration cap) {

    /**
     * A cell's statement: 5 ms ramping to a 20 ms floor, then 5 % of the elapsed time, capped at
     * 500 ms (2 requests/s).
     */
    public static final PollingPolicy DEFAULT = new PollingPolicy(Duration.ofMillis(5), Duration.ofMillis(20), 0.05,
            Duration.ofMillis(500));

    /**
     * A session starting: it takes seconds, so a cheap GET every 50 ms ramping to 250 ms sees
     * "idle" within a quarter second without hammering a shared Livy.
     */
    public static final PollingPolicy SESSION_START = new PollingPolicy(Duration.ofMillis(50), Duration.ofMillis(250), 0,
            Duration.ofMillis(250));

    /**
     * A hidden helper statement (completion, inspection) the user waits for within a small budget:
     * 5 ms ramping to 50 ms.
     */
    public static final PollingPolicy HIDDEN = new PollingPolicy(Duration.ofMillis(5), Duration.ofMillis(50), 0,
            Duration.ofMillis(50));

    public long nextDelayMillis(long elapsedMillis) {
        long ramp = Math.max(first.toMillis(), Math.min(floor.toMillis(), elapsedMillis / 2));
        long grown = (long) (elapsedMillis * fraction);
        return Math.min(cap.toMillis(), Math.max(ramp, grown));
    }
}
