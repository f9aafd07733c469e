package livykernel.livy;

import java.time.Duration;

/**
 * How long to wait before the next poll of something running on Livy. The wait starts at
 * {@code first}, ramps to {@code floor} as time passes, then grows to {@code fraction} of the
 * time already spent, capped at {@code cap}; once {@code calmAfter} has passed it is
 * {@code calmFraction} of the time spent, never below {@code calmFloor}. A finished statement is
 * seen at worst max(floor, fraction of its duration) late, after the calm phase has begun
 * max(calmFloor, calmFraction of it), and a long one costs at most one request per calm floor,
 * later one per cap.
 * Every schedule the kernel polls Livy with is one of the constants here, so they are tuned in one place.
 */
public record PollingPolicy(Duration first, Duration floor, double fraction, Duration cap, Duration calmAfter,
                            Duration calmFloor, double calmFraction) implements Poller.Schedule {

    /** Without a calm phase. */
    public PollingPolicy(Duration first, Duration floor, double fraction, Duration cap) {
        this(first, floor, fraction, cap, Duration.ZERO, Duration.ZERO, fraction);
    }

    /**
     * A cell's statement on a Livy that only answers plain GETs: 5 ms ramping to a 25 ms floor
     * for the short cells a user waits on, then 10 % of the elapsed time (5 % late on average);
     * after the first second at most 3 requests/s and never more than 5 % late (one every 2 s
     * after 40 s). Fewer requests for 2–6 s statements would cost the sub-second cells their
     * latency (bench/notes.md has the numbers); 10 % after the first second would spare about one
     * request in five for 10–40 s statements but leave a 6 s statement up to 0.6 s late.
     */
    public static final PollingPolicy DEFAULT = new PollingPolicy(Duration.ofMillis(5), Duration.ofMillis(25), 0.10,
            Duration.ofMillis(2000), Duration.ofSeconds(1), Duration.ofMillis(334), 0.05);

    /**
     * A cell's statement on an endpoint that holds the GET until the statement changes
     * ({@link LivyClient#statementWaitMaxMillis}): the next poll goes out at once, a few ms
     * later only if the endpoint answered without news.
     */
    public static final PollingPolicy HELD = new PollingPolicy(Duration.ZERO, Duration.ofMillis(5), 0,
            Duration.ofMillis(5));

    /**
     * A session starting: a GET every 50 ms ramping to 250 ms sees a local session (3–9 s) idle
     * within a quarter second; after 5 s the wait is 5 % of the time spent, up to 2 s, so a
     * session that takes a minute on YARN costs about 70 requests, not 240, and is seen at most
     * 5 % late. With 8 notebooks starting at once the 250 ms polls alone cost the kernels and the
     * endpoint seconds of CPU that the sessions' own start needed (bench/notes.md).
     */
    public static final PollingPolicy SESSION_START = new PollingPolicy(Duration.ofMillis(50), Duration.ofMillis(250), 0,
            Duration.ofMillis(2000), Duration.ofSeconds(5), Duration.ofMillis(250), 0.05);

    /**
     * A hidden helper statement (completion, inspection) the user waits for within a small budget:
     * 5 ms ramping to 50 ms.
     */
    public static final PollingPolicy HIDDEN = new PollingPolicy(Duration.ofMillis(5), Duration.ofMillis(50), 0,
            Duration.ofMillis(50));

    @Override
    public long nextDelayMillis(long elapsedMillis) {
        boolean calm = elapsedMillis >= calmAfter.toMillis();
        long ramp = Math.max(first.toMillis(), Math.min(floor.toMillis(), elapsedMillis / 2));
        long grown = (long) (elapsedMillis * (calm ? calmFraction : fraction));
        long delay = Math.min(cap.toMillis(), Math.max(ramp, grown));
        return calm ? Math.max(delay, calmFloor.toMillis()) : delay;
    }

    /**
     * As {@link #nextDelayMillis(long)}, knowing Livy's {@code progress} of the statement's Spark
     * jobs (0..1; 0 for driver-side Python): a long statement is polled no later than the linear
     * estimate of its end, but never sooner than the calm floor allows, so the rate bound holds.
     */
    public long nextDelayMillis(long elapsedMillis, double progress) {
        long delay = nextDelayMillis(elapsedMillis);
        if (!(progress > 0 && progress < 1) || delay <= calmFloor.toMillis()) {
            return delay;
        }
        long estimate = (long) (elapsedMillis * (1 - progress) / progress);
        return Math.max(calmFloor.toMillis(), Math.min(delay, estimate));
    }
}
