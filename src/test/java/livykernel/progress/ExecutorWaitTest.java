package livykernel.progress;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job that cannot get executors, from answers recorded off a standalone master whose 1 GiB
 * workers could not host the 2g executors the application asked for.
 */
class ExecutorWaitTest {

    final AtomicLong clock = new AtomicLong(1_000_000);
    final StatementMonitorTest.Recorder out = new StatementMonitorTest.Recorder();
    final FakeSparkUi spark = starvedUi();

    static FakeSparkUi starvedUi() {
        FakeSparkUi ui = new FakeSparkUi().recorded("starved");
        ui.executors = ProgressMappingTest.recorded("starved-executors");
        ui.environment = ProgressMappingTest.recorded("starved-environment");
        return ui;
    }

    StatementMonitor monitor(ProgressMode mode) {
        SparkPoller poller = new SparkPoller(spark, "http://127.0.0.1:4040", new SparkPoller.JobCursor("local-1"), 7);
        return new StatementMonitor(mode, out, null, null, new WidgetRegistry(), poller, null, true, clock::get, 20_000);
    }

    List<String> streams() {
        return out.outs.stream().filter(o -> o.type().equals("stream")).map(o -> (String) o.data().get("text")).toList();
    }

    @Test
    void aJobWithTasksLeftAndNoCoreAnywhereIsStarvedButALocalModeJobNeverIs() {
        SparkSnapshot starved = new SparkPoller(spark, "http://127.0.0.1:4040", new SparkPoller.JobCursor("local-1"), 7).poll();
        assertTrue(ExecutorWait.starved(starved), starved.toString());
        assertFalse(ExecutorWait.starved(starved.withExecutors(1, 1)), "an executor is there: waiting for it is not starving");

        FakeSparkUi local = new FakeSparkUi().recorded("multi-running1");   // local[*]: the driver has the cores
        SparkSnapshot running = new SparkPoller(local, "http://127.0.0.1:4040", new SparkPoller.JobCursor("local-1"), 1).poll();
        assertFalse(running.jobs().isEmpty());
        assertFalse(ExecutorWait.starved(running));
        assertFalse(ExecutorWait.starved(new SparkSnapshot(running.jobs(), running.stages(), 0, 0)),
                "tasks are running, so something runs them");
    }

    @Test
    void theCellSaysOnceAfterTheWaitWhatTheApplicationAskedForAndHowToFixIt() {
        StatementMonitor m = monitor(ProgressMode.TEXT);
        for (int i = 0; i < 80; i++) {
            m.tick();
            clock.addAndGet(250);
        }
        assertEquals(List.of(), streams(), "nothing before 20 s of waiting");
        m.tick();
        assertEquals(1, streams().size(), out.outs.toString());
        String said = streams().get(0);
        assertTrue(said.startsWith("Spark has started no executor for this job in 20 s, so its tasks are waiting"), said);
        assertTrue(said.contains("the application asks for executors of 2g of memory each"), said);
        assertTrue(said.contains("%%configure -f {\"executorMemory\": \"1g\", \"executorCores\": 1}"), said);
        assertTrue(said.contains("interrupt the cell"), said);
        assertEquals(1, spark.paths().stream().filter(p -> p.equals("/environment")).count(), "the environment is read once");

        for (int i = 0; i < 200; i++) {
            clock.addAndGet(250);
            m.tick();
        }
        assertEquals(1, streams().size(), "said once, not every poll");

        // The cluster frees a worker: an executor registers and the tasks run.
        spark.executors = ProgressMappingTest.recorded("multi-running1-executors");
        spark.recorded("multi-running1");
        relabel(spark, "7");
        clock.addAndGet(250);
        m.tick();
        assertEquals(List.of(said, ExecutorWait.RESUMED_MESSAGE), streams());
    }

    @Test
    void withoutTheEnvironmentTheSentenceStillSaysWhatToDo() {
        spark.environment = null;
        StatementMonitor m = monitor(ProgressMode.TEXT);
        for (int i = 0; i <= 81; i++) {
            m.tick();
            clock.addAndGet(250);
        }
        assertEquals(1, streams().size(), out.outs.toString());
        assertTrue(streams().get(0).contains(": the cluster has not offered that"), streams().get(0));
    }

    @Test
    void aWaitThatEndsBeforeTheLimitSaysNothing() {
        ExecutorWait w = new ExecutorWait(20_000);
        SparkSnapshot starved = new SparkPoller(spark, "http://127.0.0.1:4040", new SparkPoller.JobCursor("local-1"), 7).poll();
        assertEquals(ExecutorWait.Event.NONE, w.observe(starved, 0));
        assertEquals(ExecutorWait.Event.NONE, w.observe(starved, 19_999));
        assertEquals(ExecutorWait.Event.NONE, w.observe(starved.withExecutors(1, 1), 20_000), "executors came: not told, nothing to resume");
        assertEquals(ExecutorWait.Event.NONE, w.observe(starved, 30_000), "a new wait starts from zero");
        assertEquals(ExecutorWait.Event.STARVED, w.observe(starved, 50_000));
    }

    @Test
    void theSentenceNamesCoresInstancesAndTheCap() {
        String s = ExecutorWait.message(31_400, Map.of("spark.executor.memory", "8g", "spark.executor.cores", "4",
                "spark.executor.instances", "1", "spark.cores.max", "16"));
        assertTrue(s.startsWith("Spark has started no executor for this job in 31 s, so its tasks are waiting: the application asks for "
                + "executors of 8g of memory and 4 cores each, 1 executor, at most 16 cores in all, and the cluster has not offered that"), s);
        assertTrue(s.endsWith("\n"));
    }

    /** Gives every job of the current recording job group {@code group}. */
    private static void relabel(FakeSparkUi ui, String group) {
        ui.jobs.forEach(j -> ((com.fasterxml.jackson.databind.node.ObjectNode) j).put("jobGroup", group));
    }
}
