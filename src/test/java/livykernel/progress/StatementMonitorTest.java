package livykernel.progress;

import livykernel.kernel.CellOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text display's life cycle and the fallback path, with a fake Spark REST API and a fake clock. */
class StatementMonitorTest {

    record Out(String type, Map<String, Object> data, String displayId) {
    }

    static final class Recorder implements CellOutput {
        private final livykernel.kernel.RequestContext context = livykernel.kernel.RequestContext.detached();

        @Override
        public livykernel.kernel.RequestContext context() {
            return context;
        }

        final List<Out> outs = new ArrayList<>();

        @Override public void stream(String name, String text) { outs.add(new Out("stream", Map.of("text", text), null)); }
        @Override public void display(Map<String, Object> d, Map<String, Object> m, String id) { outs.add(new Out("display_data", d, id)); }
        @Override public void updateDisplay(Map<String, Object> d, Map<String, Object> m, String id) { outs.add(new Out("update_display_data", d, id)); }
        @Override public void executeResult(Map<String, Object> d, Map<String, Object> m) { outs.add(new Out("execute_result", d, null)); }
        @Override public void clearOutput(boolean wait) { outs.add(new Out("clear_output", Map.of(), null)); }
    }

    final AtomicLong clock = new AtomicLong(1_000_000);
    final Recorder out = new Recorder();
    final FakeSparkUi spark = new FakeSparkUi().recorded("multi-running1");

    StatementMonitor monitor(int statementId) {
        SparkPoller poller = new SparkPoller(spark, "http://127.0.0.1:4040/", new SparkPoller.JobCursor("local-1"), statementId);
        return new StatementMonitor(ProgressMode.TEXT, out, null, null, new WidgetRegistry(), poller, null, clock::get);
    }

    @Test
    void nothingIsShownForAStatementWithoutSparkJobs() {
        StatementMonitor m = monitor(9);
        m.tick();
        clock.addAndGet(250);
        m.tick();
        m.finish(ProgressState.Outcome.SUCCEEDED);
        assertEquals(List.of(), out.outs);
        assertEquals("http://127.0.0.1:4040/api/v1/applications/local-1/jobs?status=running", spark.urls.get(0));
        assertTrue(spark.paths().stream().allMatch(u -> u.startsWith("/jobs")), "no stage/executor calls without jobs");
    }

    @Test
    void textLineOpensOnceAJobHasRunAMomentUpdatesAtMostOncePerSecondAndEndsAsSummary() {
        StatementMonitor m = monitor(1);
        clock.addAndGet(200);
        m.tick();
        assertEquals(List.of(), out.outs, "a job seen before it ran " + StatementMonitor.OPEN_AFTER_MS + " ms opens nothing yet");
        clock.addAndGet(StatementMonitor.OPEN_AFTER_MS - 200);
        m.tick();
        assertEquals(1, out.outs.size());
        Out first = out.outs.get(0);
        assertEquals("display_data", first.type());
        String line = (String) first.data().get("text/plain");
        assertTrue(line.startsWith("Spark [>                   ] 0% 0/8 tasks | job 2 running: count at <stdin>:5"), line);
        assertEquals(Map.of("text/plain", line), first.data());

        clock.addAndGet(250);
        m.tick();   // throttled: less than a second since the last line
        assertEquals(1, out.outs.size());
        clock.addAndGet(800);
        m.tick();
        assertEquals(2, out.outs.size());
        assertEquals("update_display_data", out.outs.get(1).type());
        assertEquals(first.displayId(), out.outs.get(1).displayId());

        spark.recorded("multi-done");
        clock.addAndGet(2750);
        m.finish(ProgressState.Outcome.SUCCEEDED);
        Out last = out.outs.get(out.outs.size() - 1);
        assertEquals("update_display_data", last.type());
        assertEquals(first.displayId(), last.displayId());
        assertEquals(Map.of("text/plain", "Spark: 2 jobs succeeded, 24/24 tasks, 3 stages in 4.1s"), last.data());
    }

    @Test
    void aJobThatEndsBeforeTheViewOpensGetsOnlyTheSummary() {
        StatementMonitor m = monitor(1);
        clock.addAndGet(200);
        m.tick();
        spark.recorded("multi-done");
        clock.addAndGet(50);
        m.finish(ProgressState.Outcome.SUCCEEDED);
        assertEquals(1, out.outs.size(), out.outs.toString());
        assertEquals("display_data", out.outs.get(0).type());
        assertEquals(Map.of("text/plain", "Spark: 2 jobs succeeded, 24/24 tasks, 3 stages in 0.3s"), out.outs.get(0).data());
    }

    @Test
    void theSummaryWaitsBrieflyForSparkToRecordTheJobsEnd() {
        StatementMonitor m = monitor(1);
        clock.addAndGet(400);
        m.tick();
        // Spark's REST API still shows the jobs running for a few requests after the statement ended.
        spark.after(6, "multi-done");
        m.finish(ProgressState.Outcome.SUCCEEDED);
        String summary = (String) out.outs.get(out.outs.size() - 1).data().get("text/plain");
        assertEquals("Spark: 2 jobs succeeded, 24/24 tasks, 3 stages in 0.4s", summary);
    }

    @Test
    void withSparkMonitorsPanelTheEndWaitsLongerForSparkToRecordTheJobsEnds() {
        // Without the panel the wait is bounded: Spark that still shows the jobs running after it
        // ends gets a summary of running jobs (and a follow-up after the reply).
        StatementMonitor plain = monitor(1);
        clock.addAndGet(400);
        plain.tick();
        int before = spark.urls.size();
        plain.finish(ProgressState.Outcome.SUCCEEDED);
        int plainWait = spark.urls.size() - before;
        assertTrue(plain.awaitingJobEnds());

        // With it, a job end that Spark records later than that is still in the final snapshot, while
        // the cell is busy and sparkmonitor's stale rows can be rebuilt.
        FakeSparkUi ui = new FakeSparkUi().recorded("multi-running1");
        SparkPoller poller = new SparkPoller(ui, "http://127.0.0.1:4040/", new SparkPoller.JobCursor("local-1"), 1);
        SparkMonitorFeed.Tracker feed = new SparkMonitorFeed().track("local-1", "s",
                livykernel.wire.Header.create("execute_request", "client-session", "tester").json());
        Recorder shown = new Recorder();
        StatementMonitor withPanel = new StatementMonitor(ProgressMode.TEXT, shown, null, null, new WidgetRegistry(),
                poller, feed, true, clock::get);
        clock.addAndGet(400);
        withPanel.tick();
        assertTrue(withPanel.feedsSparkMonitor());
        ui.after(plainWait + 10, "multi-done");
        withPanel.finish(ProgressState.Outcome.SUCCEEDED);
        assertFalse(withPanel.awaitingJobEnds());
        assertEquals("Spark: 2 jobs succeeded, 24/24 tasks, 3 stages in 0.4s",
                shown.outs.get(shown.outs.size() - 1).data().get("text/plain"));
    }

    @Test
    void aJobStillRunningInSparkAfterTheReplyIsFollowedUntilItEnds() {
        StatementMonitor m = monitor(1);
        clock.addAndGet(400);
        m.tick();
        spark.after(1000, "multi-done");   // longer than the bounded wait
        m.finish(ProgressState.Outcome.SUCCEEDED);
        assertTrue(m.awaitingJobEnds());
        int shown = out.outs.size();
        spark.recorded("multi-done");
        m.followUp();
        assertFalse(m.awaitingJobEnds());
        assertEquals(shown + 1, out.outs.size());
        Out last = out.outs.get(out.outs.size() - 1);
        assertEquals("update_display_data", last.type());
        assertEquals("Spark: 2 jobs succeeded, 24/24 tasks, 3 stages in 0.4s", last.data().get("text/plain"));
    }

    @Test
    void aCellWhoseLiveUiWentAwayGetsItsFinalCountsFromTheHistoryServerOnceItHasReadTheApplication() {
        String proxy = "http://rm:20888/proxy/local-1";
        String history = "http://primary:18080";
        boolean[] liveUp = {true};
        boolean[] parsed = {false};
        List<String> asked = new ArrayList<>();
        SparkRest live = SparkPollerTest.behind(spark, proxy + "/api/v1/applications/local-1", asked);
        SparkRest attempt = SparkPollerTest.behind(spark, history + "/api/v1/applications/local-1/1", asked);
        SparkRest rest = url -> {
            if (url.startsWith(proxy)) {
                if (!liveUp[0]) {
                    throw new IllegalStateException("Failed to connect to rm:20888");
                }
                return live.get(url);
            }
            if (!parsed[0]) {
                return null;
            }
            if (url.equals(history + "/api/v1/applications/local-1")) {
                return spark.jobs.objectNode().put("id", "local-1").set("attempts",
                        spark.jobs.arrayNode().add(spark.jobs.objectNode().put("attemptId", "1")));
            }
            return attempt.get(url);
        };
        SparkPoller poller = new SparkPoller(rest, proxy + "/", new SparkPoller.JobCursor("local-1"), 1,
                new SparkHistory(rest, history), clock::get);
        StatementMonitor m = new StatementMonitor(ProgressMode.TEXT, out, null, null, new WidgetRegistry(), poller, null, clock::get);
        clock.addAndGet(400);
        m.tick();
        assertEquals(1, out.outs.size(), "the live line");

        liveUp[0] = false;   // the application ended with the cell; the history server has not read its event log yet
        spark.recorded("multi-done");
        m.finish(ProgressState.Outcome.SUCCEEDED);
        assertTrue(m.awaitingJobEnds(), "followed after the reply while the history server may still give the counts");
        int shown = out.outs.size();
        m.followUp();
        assertEquals(shown, out.outs.size(), "nothing new before the retry is due");

        parsed[0] = true;
        clock.addAndGet(StatementMonitor.REST_RETRY_MS);
        m.followUp();
        assertFalse(m.awaitingJobEnds());
        Out last = out.outs.get(out.outs.size() - 1);
        assertEquals("update_display_data", last.type());
        assertEquals("Spark: 2 jobs succeeded, 24/24 tasks, 3 stages in 0.4s", last.data().get("text/plain"));
        assertTrue(asked.stream().anyMatch(u -> u.startsWith(history + "/api/v1/applications/local-1/1/jobs")), asked.toString());
    }

    @Test
    void withoutASparkUiLivysFractionNeverFallsAndTheReasonIsSaid() {
        StatementMonitor m = new StatementMonitor(ProgressMode.TEXT, out, null, null, new WidgetRegistry(), null, null,
                clock::get);
        m.livyProgress(0.5);
        clock.addAndGet(400);
        m.tick();
        m.livyProgress(0.33);   // a second job appeared: Livy's fraction of the jobs so far drops
        clock.addAndGet(1000);
        m.tick();
        assertEquals("Spark [==========>         ] 50% of the jobs so far | 1.4s", out.outs.get(1).data().get("text/plain"));
        m.finish(ProgressState.Outcome.SUCCEEDED);
        assertEquals("Spark: finished in 1.4s (Livy reports no Spark UI for this session, so only Livy's overall "
                + "progress of the jobs so far is shown)", out.outs.get(2).data().get("text/plain"));
        assertEquals(List.of(), spark.urls);
    }

    @Test
    void sparkmonitorsPanelReplacesTheKernelsOwnDisplay() {
        SparkPoller poller = new SparkPoller(spark, "http://127.0.0.1:4040/", new SparkPoller.JobCursor("local-1"), 1);
        StatementMonitor m = new StatementMonitor(ProgressMode.ON, out, null, null, new WidgetRegistry(), poller,
                null, false, clock::get);
        clock.addAndGet(400);
        m.tick();
        clock.addAndGet(1000);
        m.tick();
        spark.recorded("multi-done");
        m.finish(ProgressState.Outcome.SUCCEEDED);
        assertEquals(List.of(), out.outs);
        assertFalse(spark.urls.isEmpty(), "Spark is still polled for sparkmonitor's feed");
    }

    @Test
    void unreachableSparkUiFallsBackToLivysProgress() {
        spark.down = true;
        StatementMonitor m = monitor(1);
        m.tick();
        assertEquals(List.of(), out.outs, "no display while Livy's progress is 0");
        m.livyProgress(0.25);
        clock.addAndGet(300);
        m.tick();
        assertEquals(1, out.outs.size());
        assertEquals("Spark [=====>              ] 25% of the jobs so far | 0.3s", out.outs.get(0).data().get("text/plain"));
        assertEquals(1, spark.urls.size(), "the unreachable UI is not retried on every poll");
        clock.addAndGet(800);
        m.finish(ProgressState.Outcome.SUCCEEDED);
        String summary = (String) out.outs.get(out.outs.size() - 1).data().get("text/plain");
        assertEquals("Spark: finished in 1.1s (the Spark UI at http://127.0.0.1:4040 could not be reached from the "
                + "kernel (connection refused), so only Livy's overall progress of the jobs so far is shown)", summary);
    }

    @Test
    void throttleLetsOnePassPerInterval() {
        AtomicLong t = new AtomicLong(0);
        Throttle th = new Throttle(250, t::get);
        assertTrue(th.tryPass());
        t.set(100);
        assertFalse(th.tryPass());
        t.set(249);
        assertFalse(th.tryPass());
        t.set(250);
        assertTrue(th.tryPass());
        t.set(400);
        assertFalse(th.tryPass());
    }
}
