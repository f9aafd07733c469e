package livykernel.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Why a session went, from Livy's last state, the log tail and the idle time. */
class LossClassifierTest {

    private static SessionLoss.Kind kind(String state, List<String> log, Duration idle, boolean running) {
        return LossClassifier.classify(7, state, log, idle, running).kind();
    }

    @Test
    void aSessionRemovedAfterALongIdleWasReapedForIdleness() {
        assertEquals(SessionLoss.Kind.IDLE_TIMEOUT, kind(null, List.of(), Duration.ofMinutes(61), false));
        assertEquals(SessionLoss.Kind.IDLE_TIMEOUT, kind("dead", List.of("stderr: ", "INFO shutting down"), Duration.ofHours(2), false));
        assertEquals(SessionLoss.Kind.IDLE_TIMEOUT, kind("shutting_down", List.of(), Duration.ofSeconds(6), false));
    }

    @Test
    void aSessionGoneAtOnceOrWhileRunningWasNotReapedForIdleness() {
        assertEquals(SessionLoss.Kind.UNKNOWN, kind(null, List.of(), Duration.ofSeconds(1), false));
        assertEquals(SessionLoss.Kind.UNKNOWN, kind(null, List.of(), Duration.ofHours(2), true));
        assertEquals(SessionLoss.Kind.UNKNOWN, kind(null, List.of(), null, false));
        assertEquals(SessionLoss.Kind.UNKNOWN, kind("error", List.of(), Duration.ofHours(2), false));
    }

    @Test
    void killedStateOrLogLinesMeanKilled() {
        assertEquals(SessionLoss.Kind.KILLED, kind("killed", List.of(), Duration.ofHours(2), false));
        SessionLoss byLog = LossClassifier.classify(7, "dead", List.of("a", "Application application_1_0002 killed by user hadoop", "b"),
                Duration.ofHours(2), false);
        assertEquals(SessionLoss.Kind.KILLED, byLog.kind());
        assertEquals("Application application_1_0002 killed by user hadoop", byLog.evidence());
        assertEquals(SessionLoss.Kind.KILLED, kind("dead", List.of("ERROR ApplicationMaster: RECEIVED SIGNAL TERM"), null, true));
    }

    @Test
    void outOfMemoryInTheLogWinsOverEverythingElse() {
        SessionLoss heap = LossClassifier.classify(7, "killed",
                List.of("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space"), Duration.ofHours(2), false);
        assertEquals(SessionLoss.Kind.DRIVER_OUT_OF_MEMORY, heap.kind());
        assertEquals("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space", heap.evidence());
        assertEquals(SessionLoss.Kind.DRIVER_OUT_OF_MEMORY, kind("dead",
                List.of("\nYARN Diagnostics: ", "Container killed by YARN for exceeding memory limits. 2.1 GB of 2 GB physical memory used."),
                null, true));
    }

    @Test
    void aLostExecutorOrNodeInTheLogSaysSo() {
        assertEquals(SessionLoss.Kind.LOST_EXECUTOR, kind("dead",
                List.of("ERROR YarnScheduler: Lost executor 3 on ip-10-0-0-5: Container marked as failed"), Duration.ofHours(2), false));
        assertEquals(SessionLoss.Kind.LOST_EXECUTOR, kind("dead", List.of("ExecutorLostFailure (executor 1 exited)"), null, true));
    }

    @Test
    void longLogLinesAreShortenedAsEvidence() {
        String line = "java.lang.OutOfMemoryError: " + "x".repeat(400);
        String evidence = LossClassifier.classify(7, "dead", List.of(line), null, false).evidence();
        assertTrue(evidence.length() <= 161 && evidence.endsWith("…"), evidence);
    }
}
