package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.kernel.Cell;
import livykernel.kernel.CellExecutor;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.kernel.Completer;
import livykernel.kernel.JupyterKernel;
import livykernel.transport.ZmqKernelServer;
import livykernel.wire.ConnectionInfo;
import livykernel.wire.Header;
import livykernel.wire.HmacSigner;
import livykernel.wire.InvalidMessageException;
import livykernel.wire.Json;
import livykernel.wire.Message;
import livykernel.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sparkmonitor feed on a real kernel's sockets: the front end's comm_open and the events
 * synthesized from recorded Spark REST snapshots, checked against what the sparkmonitor front end
 * reads (docs: shared/reference/sparkmonitor.md §3-§4).
 */
class SparkMonitorFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "local-1764059093000";

    private final SparkMonitorFeed feed = new SparkMonitorFeed();
    private JupyterKernel kernel;
    private ZContext context;
    private ZMQ.Socket shell;
    private ZMQ.Socket iopub;
    private WireCodec codec;
    /** The header of the (pretend) cell's execute_request the events belong to. */
    private final ObjectNode cell = Header.create("execute_request", "client-session", "tester").json();

    @BeforeEach
    void start() {
        ConnectionInfo info;
        try {
            info = ConnectionInfo.parse("{\"transport\":\"tcp\",\"ip\":\"127.0.0.1\",\"shell_port\":0,"
                    + "\"iopub_port\":0,\"stdin_port\":0,\"control_port\":0,\"hb_port\":0,"
                    + "\"signature_scheme\":\"hmac-sha256\",\"key\":\"3c1f5e0a-sparkmonitor-test\"}");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        ZmqKernelServer server = new ZmqKernelServer(info);
        kernel = new JupyterKernel(server, new NoCells(), Completer.NONE, false);
        kernel.registerCommTarget(SparkMonitorFeed.TARGET, feed::opened);
        kernel.start();
        ConnectionInfo bound = server.connectionInfo();
        codec = new WireCodec(HmacSigner.of(bound));
        context = new ZContext();
        shell = context.createSocket(SocketType.DEALER);
        shell.connect(bound.endpoint(bound.shellPort()));
        iopub = context.createSocket(SocketType.SUB);
        iopub.subscribe(new byte[0]);
        iopub.connect(bound.endpoint(bound.iopubPort()));
        // Like jupyter_client's wait_for_ready: until iopub shows the subscription is live.
        for (int i = 0; i < 50; i++) {
            send("kernel_info_request", Json.object());
            if (receive(500) != null) {
                // The subscription went live somewhere in that request, so its idle may have been
                // the message just received or lost before it; one more request settles it.
                untilIdle(send("kernel_info_request", Json.object()));
                return;
            }
        }
        fail("kernel never became ready");
    }

    @AfterEach
    void stop() {
        context.close();
        kernel.close();
    }

    @Test
    void frontEndCommOpenIsAcknowledgedWithCommopen() {
        openComm();   // asserts the single comm_msg {"msgtype":"commopen"} on the new comm, no comm_close
    }

    @Test
    void runningThenDoneSendsEachEventOnceInListenerOrder() {
        String commId = openComm();
        SparkMonitorFeed.Tracker t = feed.track(APP, "livy-session-0", cell);
        SparkSnapshot running = ProgressMappingTest.snapshot("multi-running1", "1");
        SparkSnapshot done = ProgressMappingTest.snapshot("multi-done", "1");
        long now = epoch("2026-11-25T08:25:06.000");

        List<JsonNode> first = events(commId, () -> t.onSnapshot(running, now, true));
        // The running stage is submitted before its job: the job row's first render counts it.
        assertEquals(List.of("sparkApplicationStart", "sparkExecutorAdded", "sparkStageSubmitted:3", "sparkJobStart:2",
                "sparkStageActive:3"), names(first));
        JsonNode app = first.get(0);
        assertEquals(APP, app.path("appId").asText());
        assertEquals("livy-session-0", app.path("appName").asText());
        assertTrue(app.path("appAttemptId").isTextual(), app.toString());
        assertEquals("1", app.path("appAttemptId").asText());
        JsonNode executor = first.get(1);
        assertEquals(2, executor.path("totalCores").asInt(), "local mode: the driver's cores");
        assertEquals("driver", executor.path("executorId").asText());

        JsonNode start = first.get(3);
        assertEquals("RUNNING", start.path("status").asText());
        assertEquals("count at <stdin>:5", start.path("name").asText());
        assertTime("2026-11-25T08:25:05.276", start.path("submissionTime"));
        assertEquals("[3]", start.path("stageIds").toString());
        assertEquals(8, start.path("numTasks").asInt());
        assertTrue(start.path("numTasks").isInt());
        assertEquals(2, start.path("totalCores").asInt());
        assertEquals(1, start.path("numExecutors").asInt());
        JsonNode info = start.path("stageInfos").path("3");
        assertEquals(1, start.path("stageInfos").size());
        assertEquals("count", info.path("name").asText(), "the short name, as the stage's own events give it");
        assertEquals(8, info.path("numTasks").asInt());
        assertEquals(0, info.path("attemptId").asInt());
        assertTime("2026-11-25T08:25:05.283", info.path("submissionTime"));
        assertEquals(-1, info.path("completionTime").asLong(), "unknown times are -1");

        JsonNode submitted = first.get(2);
        assertEquals("count at <stdin>:5", submitted.path("name").asText());
        assertEquals(8, submitted.path("numTasks").asInt());
        assertTime("2026-11-25T08:25:05.283", submitted.path("submissionTime"));
        JsonNode active = first.get(4);
        assertEquals(2, active.path("numActiveTasks").asInt());
        assertTrue(active.path("numCompletedTasks").isInt() && active.path("numFailedTasks").isInt(), active.toString());
        assertEquals(0, active.path("numCompletedTasks").asInt());

        // The same snapshot again: nothing new (only the periodic stage update when it is due).
        assertEquals(List.of(), names(events(commId, () -> t.onSnapshot(running, now + 250, false))));
        assertEquals(List.of("sparkStageActive:3"), names(events(commId, () -> t.onSnapshot(running, now + 1000, true))));

        // No cell restart here (a front end recording no timing): job 2's row keeps its first counts,
        // job 3 is announced with both stages already COMPLETED, then one stage update sums its tasks.
        List<JsonNode> last = events(commId, () -> t.onSnapshot(done, now + 20_000, false));
        assertEquals(List.of("sparkStageCompleted:3", "sparkJobEnd:2", "sparkStageSubmitted:5", "sparkStageCompleted:5",
                "sparkStageSubmitted:4", "sparkStageCompleted:4", "sparkJobStart:3", "sparkStageCompleted:5",
                "sparkJobEnd:3"), names(last));
        JsonNode start3 = last.get(6);
        assertEquals("[5,4]", start3.path("stageIds").toString());
        assertEquals(16, start3.path("numTasks").asInt());
        assertEquals("reduceByKey", start3.path("stageInfos").path("4").path("name").asText());
        assertEquals(8, start3.path("stageInfos").path("5").path("numTasks").asInt());
        JsonNode completed3 = last.get(0);
        assertEquals("COMPLETED", completed3.path("status").asText());
        assertTime("2026-11-25T08:25:05.283", completed3.path("submissionTime"));
        assertTime("2026-11-25T08:25:13.734", completed3.path("completionTime"));
        assertEquals(8, completed3.path("numTasks").asInt());
        assertEquals(8, completed3.path("numCompletedTasks").asInt());
        assertEquals(0, completed3.path("numFailedTasks").asInt());
        JsonNode end2 = last.get(1);
        assertEquals("COMPLETED", end2.path("status").asText());
        assertTime("2026-11-25T08:25:13.735", end2.path("completionTime"));
        assertEquals("COMPLETED", last.get(8).path("status").asText());
        assertTime("2026-11-25T08:25:24.334", last.get(8).path("completionTime"));

        // Finished: a repeated final snapshot sends nothing (job start once, job end once).
        assertEquals(List.of(), names(events(commId, () -> t.onSnapshot(done, now + 21_000, true))));
    }

    @Test
    void staleRowsAreRebuiltAfterAnotherBusySoCompletedJobsShowAllTheirStagesDone() {
        String commId = openComm();
        StoreModel store = new StoreModel();
        SparkMonitorFeed.Tracker t = feed.track(APP, "s", cell, store::restart);
        SparkSnapshot running = ProgressMappingTest.snapshot("multi-running1", "1");
        SparkSnapshot done = ProgressMappingTest.snapshot("multi-done", "1");
        store.applyAll(events(commId, () -> t.onSnapshot(running, 1_000, true)));
        assertEquals(0, store.restarts, "nothing stale yet");
        assertEquals(Map.of("2", "RUNNING 0/1"), store.rows());

        // Stage 3 completed and job 3 ran meanwhile: job 2's row (rendered with stage 3 RUNNING) is
        // stale, so the cell is restarted and replayed under a fresh attempt id.
        List<JsonNode> last = events(commId, () -> t.onFinalSnapshot(done, 2_000));
        assertEquals(1, store.restarts);
        assertEquals(List.of("sparkApplicationStart", "sparkStageSubmitted:3", "sparkStageCompleted:3", "sparkJobStart:2",
                "sparkStageCompleted:3", "sparkJobEnd:2", "sparkStageSubmitted:5", "sparkStageCompleted:5",
                "sparkStageSubmitted:4", "sparkStageCompleted:4", "sparkJobStart:3", "sparkStageCompleted:5",
                "sparkJobEnd:3"), names(last));
        assertEquals(APP, last.get(0).path("appId").asText());
        assertEquals("1-r1", last.get(0).path("appAttemptId").asText(), "fresh store keys for the replay");
        store.applyAll(last);
        assertEquals(Map.of("2", "COMPLETED 1/1", "3", "COMPLETED 2/2"), store.rows());
        assertEquals(List.of(), store.warnings);
        // Nothing stale any more: a repeated final snapshot neither restarts nor sends.
        assertEquals(List.of(), names(events(commId, () -> t.onFinalSnapshot(done, 3_000))));
        assertEquals(1, store.restarts);
    }

    @Test
    void rebuildsAreRateLimitedWhileRunningButNotAtAJobsEndAndSkippedWhenTheCellCannotRestart() {
        String commId = openComm();
        StoreModel store = new StoreModel();
        SparkMonitorFeed.Tracker t = feed.track(APP, "s", cell, store::restart);
        SparkJob job = new SparkJob(7, "collect at <stdin>:1", "RUNNING", 12, 0, 0, 0, 0, List.of(8, 9, 10), 1000, 0);
        SparkJob jobDone = new SparkJob(7, "collect at <stdin>:1", "SUCCEEDED", 12, 0, 12, 0, 0, List.of(8, 9, 10), 1000, 1950);
        SparkStage a = new SparkStage(8, 0, "groupBy at <stdin>:1", "ACTIVE", 4, 2, 0, 0, 1000, 0, null);
        SparkStage aDone = new SparkStage(8, 0, "groupBy at <stdin>:1", "COMPLETE", 4, 0, 4, 0, 1000, 1200, null);
        SparkStage b = new SparkStage(9, 0, "join at <stdin>:1", "ACTIVE", 4, 1, 0, 0, 1200, 0, null);
        SparkStage bDone = new SparkStage(9, 0, "join at <stdin>:1", "COMPLETE", 4, 0, 4, 0, 1200, 1400, null);
        SparkStage c = new SparkStage(10, 0, "collect at <stdin>:1", "PENDING", 4, 0, 0, 0, 0, 0, null);
        SparkStage cDone = new SparkStage(10, 0, "collect at <stdin>:1", "COMPLETE", 4, 0, 4, 0, 1400, 1900, null);
        store.applyAll(events(commId, () -> t.onSnapshot(new SparkSnapshot(List.of(job), List.of(a, b, c), 0, 2),
                1_000, true)));
        // sparkmonitor labels a PENDING stage "active".
        assertEquals(Map.of("7", "RUNNING 0/3(1 active)"), store.rows());

        store.applyAll(events(commId, () -> t.onSnapshot(new SparkSnapshot(List.of(job), List.of(aDone, b, c), 0, 2),
                1_200, false)));
        assertEquals(1, store.restarts);
        assertEquals(Map.of("7", "RUNNING 1/3(1 active)"), store.rows(), "the running job's row counts right too");

        // Within REFRESH_MS of that rebuild, a stage's end alone is sent as such: the row keeps its counts.
        List<JsonNode> quick = events(commId,
                () -> t.onSnapshot(new SparkSnapshot(List.of(job), List.of(aDone, bDone, c), 0, 2), 1_500, false));
        assertEquals(List.of("sparkStageCompleted:9"), names(quick));
        store.applyAll(quick);
        assertEquals(1, store.restarts);
        assertEquals(Map.of("7", "RUNNING 1/3(1 active)"), store.rows());

        // The job's end is rebuilt at once: a COMPLETED row never shows stale counts.
        SparkSnapshot done = new SparkSnapshot(List.of(jobDone), List.of(aDone, bDone, cDone), 0, 2);
        store.applyAll(events(commId, () -> t.onSnapshot(done, 1_600, false)));
        assertEquals(2, store.restarts);
        assertEquals(Map.of("7", "COMPLETED 3/3"), store.rows());
        assertEquals(List.of(), store.warnings);
    }

    @Test
    void aCellThatCannotRestartGetsPlainEventsAndItsEndIsRebuiltWhenItCan() {
        String commId = openComm();
        StoreModel store = new StoreModel();
        store.restartable = false;
        SparkMonitorFeed.Tracker t = feed.track(APP, "s", cell, store::restart);
        SparkJob job = new SparkJob(7, "collect at <stdin>:1", "RUNNING", 4, 0, 0, 0, 0, List.of(8), 1000, 0);
        SparkStage a = new SparkStage(8, 0, "collect at <stdin>:1", "ACTIVE", 4, 2, 0, 0, 1000, 0, null);
        store.applyAll(events(commId, () -> t.onSnapshot(new SparkSnapshot(List.of(job), List.of(a), 0, 2), 1_000, true)));
        SparkSnapshot done = new SparkSnapshot(
                List.of(new SparkJob(7, "collect at <stdin>:1", "SUCCEEDED", 4, 0, 4, 0, 0, List.of(8), 1000, 1950)),
                List.of(new SparkStage(8, 0, "collect at <stdin>:1", "COMPLETE", 4, 0, 4, 0, 1000, 1900, null)), 0, 2);
        List<JsonNode> plain = events(commId, () -> t.onFinalSnapshot(done, 2_000));
        assertEquals(List.of("sparkStageCompleted:8", "sparkJobEnd:7"), names(plain));
        store.applyAll(plain);
        assertEquals(Map.of("7", "COMPLETED 0/1"), store.rows(), "sparkmonitor's own limit without a restart");
        store.restartable = true;
        store.applyAll(events(commId, () -> t.onFinalSnapshot(done, 2_100)));
        assertEquals(Map.of("7", "COMPLETED 1/1"), store.rows());
        assertEquals(List.of(), store.warnings);
    }

    @Test
    void aStageStillPendingWhenItsJobEndsIsShownSkippedWithNoTasks() {
        String commId = openComm();
        StoreModel store = new StoreModel();
        SparkJob job = new SparkJob(5, "count at <stdin>:1", "SUCCEEDED", 12, 0, 4, 8, 0, List.of(6, 7), 1000, 2000);
        SparkStage skipped = new SparkStage(6, 0, "map at <stdin>:1", "SKIPPED", 8, 0, 0, 0, 0, 0, null);
        SparkStage ran = new SparkStage(7, 0, "count at <stdin>:1", "COMPLETE", 4, 0, 4, 0, 1000, 1900, null);
        List<JsonNode> ev = events(commId, () -> feed.track(APP, "s", cell)
                .onFinalSnapshot(new SparkSnapshot(List.of(job), List.of(skipped, ran), 0, 2), 2_100));
        store.applyAll(ev);
        assertEquals(Map.of("5", "COMPLETED 1/2(1 skipped)"), store.rows());
        JsonNode start = ev.stream().filter(e -> "sparkJobStart".equals(e.path("msgtype").asText())).findFirst().orElseThrow();
        assertEquals(0, start.path("stageInfos").path("6").path("numTasks").asInt(), "its tasks never run");
        assertEquals(4, start.path("numTasks").asInt());
    }

    @Test
    void failingJobEndsFailedWithItsFailedStage() {
        String commId = openComm();
        SparkMonitorFeed.Tracker t = feed.track(APP, "s", cell);
        List<JsonNode> ev = events(commId, () -> t.onSnapshot(ProgressMappingTest.snapshot("fail-done", "2"), 5, false));
        // A job first seen ended: its stage reaches FAILED before the job row exists.
        assertEquals(List.of("sparkApplicationStart", "sparkExecutorAdded", "sparkStageSubmitted:6", "sparkStageCompleted:6",
                "sparkJobStart:4", "sparkStageCompleted:6", "sparkJobEnd:4"), names(ev));
        assertEquals("RUNNING", ev.get(4).path("status").asText());
        JsonNode stage = ev.get(3);
        assertEquals("FAILED", stage.path("status").asText());
        assertEquals(1, stage.path("numFailedTasks").asInt());
        assertEquals(0, stage.path("numCompletedTasks").asInt());
        assertEquals(4, stage.path("numTasks").asInt());
        assertTime("2026-11-25T08:25:25.418", stage.path("completionTime"));
        assertEquals(ev.get(3), ev.get(5), "the second update only makes the front end sum the job's tasks");
        JsonNode end = ev.get(6);
        assertEquals("FAILED", end.path("status").asText());
        assertTime("2026-11-25T08:25:25.440", end.path("completionTime"));
    }

    @Test
    void aCancelledStatementsJobEndReachesSparkMonitorAfterTheCellEnded() {
        String commId = openComm();
        FakeSparkUi spark = new FakeSparkUi();
        spark.jobs.add(FakeSparkUi.job(0, "3", "RUNNING", 0));
        spark.stages.add(FakeSparkUi.stage(0, 0, "ACTIVE"));
        SparkPoller poller = new SparkPoller(spark, "http://127.0.0.1:4040/", new SparkPoller.JobCursor("local-1"), 3);
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000);
        StatementMonitor m = new StatementMonitor(ProgressMode.TEXT, new StatementMonitorTest.Recorder(), null, cell,
                new WidgetRegistry(), poller, feed.track(APP, "s", cell), clock::get);
        assertTrue(names(events(commId, m::tick)).contains("sparkJobStart:0"));
        // Livy reported the cancel; Spark has not ended the job yet.
        assertEquals(List.of(), names(events(commId, () -> m.finish(ProgressState.Outcome.CANCELLED))));
        assertTrue(m.awaitingJobEnds());
        spark.jobs.set(0, FakeSparkUi.job(0, "3", "FAILED", 0));
        spark.stages.set(0, FakeSparkUi.stage(0, 0, "FAILED"));
        // A job Spark shows only now is left out: sparkmonitor would file it under whichever cell runs.
        spark.jobs.add(FakeSparkUi.job(1, "3", "SUCCEEDED", 1));
        spark.stages.add(FakeSparkUi.stage(1, 0, "COMPLETE"));
        clock.addAndGet(250);
        assertEquals(List.of("sparkStageCompleted:0", "sparkJobEnd:0"), names(events(commId, m::followUp)));
        assertFalse(m.awaitingJobEnds());
    }

    @Test
    void laterStatementsNeitherReannounceTheAppNorAddExecutorsAgain() {
        String commId = openComm();
        events(commId, () -> feed.track(APP, "s", cell).onSnapshot(ProgressMappingTest.snapshot("multi-done", "1"), 5, false));
        ObjectNode cell2 = Header.create("execute_request", "client-session", "tester").json();
        List<JsonNode> second = events(commId, cell2,
                () -> feed.track(APP, "s", cell2).onSnapshot(ProgressMappingTest.snapshot("fail-done", "2"), 6, false));
        // The front end counts executors per notebook (+1 per sparkExecutorAdded).
        assertEquals(List.of("sparkStageSubmitted:6", "sparkStageCompleted:6", "sparkJobStart:4", "sparkStageCompleted:6",
                "sparkJobEnd:4"), names(second));
        assertEquals(1, second.get(2).path("numExecutors").asInt());

        // A reload of the page opens a new comm: the front end's state is fresh, so announce again.
        String again = openComm();
        List<JsonNode> third = events(again, () -> feed.track(APP, "s", cell).onSnapshot(
                ProgressMappingTest.snapshot("multi-running1", "1"), 7, false));
        assertEquals(List.of("sparkApplicationStart", "sparkExecutorAdded", "sparkStageSubmitted:3", "sparkJobStart:2",
                "sparkStageActive:3"), names(third));
    }

    @Test
    void executorsAddedAndRemovedFollowTheSnapshots() {
        String commId = openComm();
        SparkMonitorFeed.Tracker t = feed.track(APP, "s", cell);
        SparkSnapshot base = ProgressMappingTest.snapshot("multi-running1", "1");
        List<JsonNode> ev = events(commId, () -> t.onSnapshot(base.withExecutors(3, 12), 1, false));
        assertEquals(List.of("sparkApplicationStart", "sparkExecutorAdded", "sparkExecutorAdded", "sparkExecutorAdded",
                "sparkStageSubmitted:3", "sparkJobStart:2", "sparkStageActive:3"), names(ev));
        assertEquals(12, ev.get(3).path("totalCores").asInt());
        assertEquals(3, ev.get(5).path("numExecutors").asInt());
        List<JsonNode> fewer = events(commId, () -> t.onSnapshot(base.withExecutors(2, 8), 2, false));
        assertEquals(List.of("sparkExecutorRemoved"), names(fewer));
        assertEquals(8, fewer.get(0).path("totalCores").asInt());
    }

    @Test
    void aRetriedStageRunsAgainAfterItsFailedAttempt() {
        String commId = openComm();
        SparkMonitorFeed.Tracker t = feed.track(APP, "s", cell);
        SparkJob job = new SparkJob(7, "collect at <stdin>:1", "RUNNING", 4, 0, 0, 0, 0, List.of(9), 1000, 0);
        SparkStage failed = new SparkStage(9, 0, "collect at <stdin>:1", "FAILED", 4, 0, 1, 1, 1000, 2000, "fetch failed");
        SparkStage retry = new SparkStage(9, 1, "collect at <stdin>:1", "ACTIVE", 4, 2, 0, 0, 3000, 0, null);
        assertEquals(List.of("sparkApplicationStart", "sparkExecutorAdded", "sparkStageSubmitted:9", "sparkStageCompleted:9",
                "sparkJobStart:7", "sparkStageCompleted:9"), names(events(commId,
                () -> t.onSnapshot(new SparkSnapshot(List.of(job), List.of(failed), 0, 2), 2500, true))));
        // The front end only applies sparkStageActive to RUNNING stages, so the new attempt is submitted again.
        List<JsonNode> again = events(commId,
                () -> t.onSnapshot(new SparkSnapshot(List.of(job), List.of(retry), 0, 2), 3500, true));
        assertEquals(List.of("sparkStageSubmitted:9", "sparkStageActive:9"), names(again));
        assertEquals(1, again.get(0).path("stageAttemptId").asInt());
    }

    @Test
    void nothingIsSentWithoutAnOpenSparkMonitorComm() {
        SparkSnapshot done = ProgressMappingTest.snapshot("multi-done", "1");
        // Never opened.
        assertEquals(List.of(), rawCommMsgs(() -> feed.track(APP, "s", cell).onSnapshot(done, 1, true)));
        // Opened, then closed by the front end (tab closed) while a statement runs.
        String commId = openComm();
        SparkMonitorFeed.Tracker t = feed.track(APP, "s", cell);
        ObjectNode close = Json.object();
        close.put("comm_id", commId);
        close.putObject("data");
        untilIdle(send("comm_close", close));
        assertEquals(List.of(), rawCommMsgs(() -> t.onSnapshot(done, 2, true)));
        // A statement without Spark jobs sends nothing either, even with the comm open.
        String open = openComm();
        assertEquals(List.of(), rawCommMsgs(() -> feed.track(APP, "s", cell).onSnapshot(SparkSnapshot.EMPTY, 3, true)));
        assertEquals(7, events(open, () -> feed.track(APP, "s", cell)
                .onSnapshot(ProgressMappingTest.snapshot("fail-done", "2"), 4, true)).size(), "the open comm works");
    }

    // ---- helpers ----

    /**
     * sparkmonitor 3.3.0's store as its job rows show it (src/store/notebook.ts, spark-job.ts,
     * components/job-table.tsx): keys are "app&lt;id&gt;-attempt&lt;attempt&gt;-job-N" / "-stage-N"; a row's stage
     * counts are fixed at its first render (a stage's status is not observable); the first
     * sparkJobStart after a new busy of the cell clears the cell's jobs and stages
     * (lab-extension/jupyterlab-sparkmonitor.ts onSparkJobStart).
     */
    static final class StoreModel {
        private String prefix = "default-key";
        private boolean newExecution = true;
        private final Map<String, String> stageStatus = new java.util.HashMap<>();
        private final Map<String, List<String>> jobStages = new java.util.HashMap<>();
        private final Map<String, String> jobStatus = new java.util.HashMap<>();
        private final Map<String, String> jobIds = new java.util.LinkedHashMap<>();
        /** The cell's row keys, in order (a duplicate would be a second row). */
        private final List<String> cellJobs = new ArrayList<>();
        private final Map<String, String> renderedCounts = new java.util.HashMap<>();
        final List<String> warnings = new ArrayList<>();
        /** Whether the kernel may publish another busy for the cell (it runs, and the front end records timing). */
        boolean restartable = true;
        int restarts;

        /** The kernel's CellOutput.restartBusy: the busy makes the front end count a new execution of the cell. */
        boolean restart() {
            if (restartable) {
                restarts++;
                newExecution = true;
            }
            return restartable;
        }

        void applyAll(List<JsonNode> events) {
            events.forEach(this::apply);
        }

        void apply(JsonNode e) {
            switch (e.path("msgtype").asText()) {
                case "sparkApplicationStart" -> prefix = "app" + e.path("appId").asText() + "-attempt"
                        + e.path("appAttemptId").asText();
                case "sparkJobStart" -> {
                    if (newExecution) {
                        for (String job : cellJobs) {
                            jobStages.getOrDefault(job, List.of()).forEach(stageStatus::remove);
                            jobStages.remove(job);
                        }
                        cellJobs.clear();
                        newExecution = false;
                    }
                    String key = prefix + "-job-" + e.path("jobId").asText();
                    List<String> stages = new ArrayList<>();
                    e.path("stageIds").forEach(id -> {
                        String sk = prefix + "-stage-" + id.asText();
                        stageStatus.putIfAbsent(sk, "PENDING");
                        stages.add(sk);
                    });
                    jobStages.put(key, stages);
                    jobStatus.put(key, e.path("status").asText());
                    jobIds.put(key, e.path("jobId").asText());
                    cellJobs.add(key);
                    renderedCounts.put(key, counts(stages));   // the row's first render
                }
                case "sparkJobEnd" -> {
                    String key = prefix + "-job-" + e.path("jobId").asText();
                    if (!jobStages.containsKey(key)) {
                        warnings.add("Could not identify job " + key);
                        return;
                    }
                    jobStatus.put(key, e.path("status").asText());
                    jobStages.get(key).forEach(sk -> stageStatus.replace(sk, "PENDING", "SKIPPED"));
                }
                case "sparkStageSubmitted" -> stageStatus.put(prefix + "-stage-" + e.path("stageId").asText(), "RUNNING");
                case "sparkStageCompleted" -> {
                    String sk = prefix + "-stage-" + e.path("stageId").asText();
                    if (stageStatus.replace(sk, e.path("status").asText()) == null) {
                        warnings.add("Unable to identify stage " + sk);
                    }
                }
                default -> { }
            }
        }

        private String counts(List<String> stages) {
            long completed = stages.stream().filter(s -> "COMPLETED".equals(stageStatus.get(s))).count();
            long skipped = stages.stream().filter(s -> "SKIPPED".equals(stageStatus.get(s))).count();
            long pending = stages.stream().filter(s -> "PENDING".equals(stageStatus.get(s))).count();
            return completed + "/" + stages.size() + (skipped > 0 ? "(" + skipped + " skipped)" : "")
                    + (pending > 0 ? "(" + pending + " active)" : "");
        }

        /** Job id to "STATUS counts" of each row of the cell; fails on a second row for one job. */
        Map<String, String> rows() {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (String key : cellJobs) {
                assertTrue(out.put(jobIds.get(key), jobStatus.get(key) + " " + renderedCounts.get(key)) == null,
                        "two rows for " + key + ": " + cellJobs);
            }
            return out;
        }
    }

    /** Opens a SparkMonitor comm as the front end does and checks the kernel's {@code commopen} ack. */
    private String openComm() {
        String commId = java.util.UUID.randomUUID().toString().replace("-", "");
        ObjectNode c = Json.object();
        c.put("comm_id", commId);
        c.put("target_name", SparkMonitorFeed.TARGET);
        c.putObject("data").put("msgtype", "openfromfrontend");
        String id = send("comm_open", c);
        List<Message> msgs = untilIdle(id);
        List<Message> comm = msgs.stream().filter(m -> m.msgType().startsWith("comm_")).toList();
        assertEquals(1, comm.size(), "one ack, no comm_close: " + msgs.stream().map(Message::msgType).toList());
        Message ack = comm.get(0);
        assertEquals("comm_msg", ack.msgType());
        assertEquals(commId, ack.content().path("comm_id").asText());
        assertEquals("{\"msgtype\":\"commopen\"}", ack.content().path("data").toString());
        return commId;
    }

    private List<JsonNode> events(String commId, Runnable action) {
        return events(commId, cell, action);
    }

    /** Runs {@code action} and parses the {@code fromscala} events it sent on {@code commId}. */
    private List<JsonNode> events(String commId, JsonNode parent, Runnable action) {
        List<JsonNode> out = new ArrayList<>();
        for (Message m : rawCommMsgs(action)) {
            assertEquals(commId, m.content().path("comm_id").asText());
            assertEquals(parent.path("msg_id").asText(), m.parentHeader().path("msg_id").asText(),
                    "events belong to the running cell");
            JsonNode data = m.content().path("data");
            assertEquals("fromscala", data.path("msgtype").asText(), data.toString());
            assertTrue(data.path("msg").isTextual(), "msg must be a JSON string: " + data);
            try {
                JsonNode event = JSON.readTree(data.path("msg").asText());
                assertTrue(event.isObject() && event.path("msgtype").isTextual(), event.toString());
                out.add(event);
            } catch (java.io.IOException e) {
                fail("msg is not JSON: " + data.path("msg").asText());
            }
        }
        return out;
    }

    /** Every comm_msg published while {@code action} ran (a kernel_info round trip is the barrier). */
    private List<Message> rawCommMsgs(Runnable action) {
        action.run();
        String barrier = send("kernel_info_request", Json.object());
        List<Message> out = new ArrayList<>();
        for (Message m : untilIdle(barrier, true)) {
            if (m.msgType().startsWith("comm_")) {
                out.add(m);
            }
        }
        return out;
    }

    private static List<String> names(List<JsonNode> events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            String type = e.path("msgtype").asText();
            if (e.has("jobId")) {
                assertTrue(e.path("jobId").isInt(), e.toString());
                type += ":" + e.path("jobId").asInt();
            } else if (e.has("stageId")) {
                assertTrue(e.path("stageId").isInt(), e.toString());
                type += ":" + e.path("stageId").asInt();
            }
            out.add(type);
        }
        return out;
    }

    private static long epoch(String gmt) {
        return Instant.parse(gmt + "Z").toEpochMilli();
    }

    private static void assertTime(String gmt, JsonNode value) {
        assertTrue(value.isIntegralNumber(), "epoch ms expected, got " + value);
        assertEquals(epoch(gmt), value.asLong());
    }

    private String send(String msgType, JsonNode content) {
        Header header = Header.create(msgType, "client-session", "tester");
        List<byte[]> frames = codec.encode(new Message(List.of(), header, Json.object(), Json.object(), content, List.of()));
        for (int i = 0; i < frames.size(); i++) {
            shell.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
        return header.msgId();
    }

    private List<Message> untilIdle(String msgId) {
        return untilIdle(msgId, false);
    }

    /** Iopub messages up to {@code msgId}'s idle; with {@code all}, also those of other parents. */
    private List<Message> untilIdle(String msgId, boolean all) {
        List<Message> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            Message m = receive(200);
            if (m == null) {
                continue;
            }
            boolean mine = msgId.equals(m.parentHeader().path("msg_id").asText());
            if (mine && "status".equals(m.msgType()) && "idle".equals(m.content().path("execution_state").asText())) {
                drainShell();
                return out;
            }
            if (mine || all) {
                out.add(m);
            }
        }
        throw new AssertionError("no idle for " + msgId);
    }

    private void drainShell() {
        while (shell.recv(ZMQ.DONTWAIT) != null) {
            // replies are not checked here
        }
    }

    private Message receive(long timeoutMs) {
        ZMQ.Poller poller = context.createPoller(1);
        try {
            poller.register(iopub, ZMQ.Poller.POLLIN);
            if (poller.poll(timeoutMs) <= 0) {
                return null;
            }
        } finally {
            poller.close();
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(iopub.recv(0));
        while (iopub.hasReceiveMore()) {
            frames.add(iopub.recv(0));
        }
        try {
            Message m = codec.decode(frames);
            assertNotNull(m);
            return m;
        } catch (InvalidMessageException e) {
            throw new AssertionError("invalid message: " + e.getMessage());
        }
    }

    /** The kernel needs an executor; these tests run no cells. */
    private static final class NoCells implements CellExecutor {
        @Override public CellResult execute(Cell cell, CellOutput out) { throw new UnsupportedOperationException(); }
        @Override public void shutdown(boolean restart) { }
    }
}
