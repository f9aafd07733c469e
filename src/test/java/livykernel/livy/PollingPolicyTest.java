package livykernel.livy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PollingPolicyTest {

    private final PollingPolicy policy = PollingPolicy.DEFAULT;

    @Test
    void firstPollsComeFastThenSettleOnTheFloor() {
        assertEquals(5, policy.nextDelayMillis(0));
        assertEquals(5, policy.nextDelayMillis(8));
        assertEquals(10, policy.nextDelayMillis(20));
        assertEquals(25, policy.nextDelayMillis(50));
        assertEquals(25, policy.nextDelayMillis(250));
    }

    @Test
    void atMostThreePollsPerSecondOnceTheStatementHasRunOneSecond() {
        for (long elapsed = 1000; elapsed <= 120_000; elapsed += 50) {
            assertTrue(policy.nextDelayMillis(elapsed) >= 334, "delay at " + elapsed);
        }
        assertTrue(policy.nextDelayMillis(999) < 334, "the first second keeps its short-cell schedule");
    }

    @Test
    void livysProgressBringsALongStatementsNextPollForwardButNeverPastTheRateBound() {
        assertEquals(1000, policy.nextDelayMillis(20_000), "5 % of the elapsed time");
        assertEquals(1000, policy.nextDelayMillis(20_000, 0.0), "no Spark jobs: the backoff");
        assertEquals(1000, policy.nextDelayMillis(20_000, 0.5), "far from done: the backoff");
        assertEquals(618, policy.nextDelayMillis(20_000, 0.97), "the linear estimate of the end");
        assertEquals(334, policy.nextDelayMillis(20_000, 0.999), "at most 3 polls/s");
        assertEquals(policy.nextDelayMillis(200), policy.nextDelayMillis(200, 0.99), "short cells keep their schedule");
        assertEquals(1000, policy.nextDelayMillis(20_000, 1.0));
    }

    @Test
    void capsAtOneRequestEveryTwoSeconds() {
        assertEquals(2000, policy.nextDelayMillis(60_000));
        assertEquals(2000, policy.nextDelayMillis(3_600_000));
    }

    @Test
    void requestsPerStatementAreBounded() {
        // Before this schedule: 52 polls for 2 s and 75 for 6 s (bench/results.md).
        assertTrue(polls(2000) <= 33, "2 s: " + polls(2000));
        assertTrue(polls(6000) <= 45, "6 s: " + polls(6000));
        assertTrue(polls(60_000) <= 95, "60 s: " + polls(60_000));
        assertTrue(polls(3_600_000) <= 1900, "1 h, about one poll per 2 s: " + polls(3_600_000));
    }

    @Test
    void simulatedOverheadOfShortCellsMeetsTarget() {
        // A statement of duration D is seen at the first poll after D: the gap, at its worst.
        for (long duration : new long[]{0, 100, 300, 500}) {
            long overhead = firstPollAfter(duration) - duration;
            assertTrue(overhead <= 30, "overhead " + overhead + " for " + duration);
        }
        // Past a second the rate bound wins: at worst one calm interval, then 5 % of the time, then the cap.
        for (long duration = 1000; duration <= 120_000; duration += 7) {
            long overhead = firstPollAfter(duration) - duration;
            assertTrue(overhead <= Math.min(2000, Math.max(334, duration * 0.05)), "overhead " + overhead + " for " + duration);
        }
    }

    @Test
    void aStartingSessionIsSeenWithinAQuarterSecondAtFirstThenAtMostFivePercentLate() {
        PollingPolicy start = PollingPolicy.SESSION_START;
        for (long took = 0; took <= 5000; took += 13) {
            assertTrue(firstPollAfter(start, took) - took <= 250, "start of " + took + " ms");
        }
        for (long took = 5000; took <= 600_000; took += 97) {
            long late = firstPollAfter(start, took) - took;
            assertTrue(late <= Math.max(250, took * 0.05) + 1, "start of " + took + " ms seen " + late + " ms late");
        }
        // The flat 250 ms schedule before: 100 requests for 25 s, 240 for a minute.
        assertTrue(polls(start, 25_000) <= 60, "25 s: " + polls(start, 25_000));
        assertTrue(polls(start, 60_000) <= 80, "60 s: " + polls(start, 60_000));
        assertEquals(2000, start.nextDelayMillis(300_000), "one GET per 2 s for a start that takes minutes");
    }

    private long firstPollAfter(long duration) {
        return firstPollAfter(policy, duration);
    }

    private long polls(long duration) {
        return polls(policy, duration);
    }

    private static long firstPollAfter(PollingPolicy policy, long duration) {
        long t = policy.nextDelayMillis(0);
        while (t < duration) {
            t += policy.nextDelayMillis(t);
        }
        return t;
    }

    private static long polls(PollingPolicy policy, long duration) {
        long t = policy.nextDelayMillis(0);
        long n = 1;
        while (t < duration) {
            t += policy.nextDelayMillis(t);
            n++;
        }
        return n;
    }
}
