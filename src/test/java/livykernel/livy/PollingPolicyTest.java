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
        assertEquals(20, policy.nextDelayMillis(40));
        assertEquals(20, policy.nextDelayMillis(300));
    }

    @Test
    void growsWithElapsedTimeAndStaysWithinFivePercent() {
        for (long elapsed = 1000; elapsed <= 9000; elapsed += 500) {
            long d = policy.nextDelayMillis(elapsed);
            assertTrue(d <= Math.max(30, elapsed * 0.05), "delay " + d + " at " + elapsed);
        }
        assertTrue(policy.nextDelayMillis(4000) > policy.nextDelayMillis(1000));
    }

    @Test
    void capsAtTwoRequestsPerSecond() {
        assertEquals(500, policy.nextDelayMillis(60_000));
        assertEquals(500, policy.nextDelayMillis(3_600_000));
    }

    @Test
    void simulatedOverheadMeetsTarget() {
        // A statement of duration D is seen at the first poll after D: check the gap.
        for (long duration : new long[]{0, 100, 300, 1000, 2000, 6000, 20_000}) {
            long t = 0;
            while (t < duration) {
                t += policy.nextDelayMillis(t);
            }
            long overhead = t - duration;
            assertTrue(overhead <= Math.max(30, duration * 0.05), "overhead " + overhead + " for " + duration);
        }
    }
}
