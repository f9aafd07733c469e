package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark REST responses recorded from a local session (statement 1: two jobs; statement 2: a failing job). */
class ProgressMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode recorded(String name) {
        try (InputStream in = ProgressMappingTest.class.getResourceAsStream("/livykernel/progress/" + name + ".json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void onlyTheStatementsJobGroupIsKept() {
        JsonNode jobs = recorded("multi-done-jobs");
        List<SparkJob> st1 = SparkRestParser.jobs(jobs, "1");
        assertEquals(List.of(2, 3), st1.stream().map(SparkJob::jobId).toList());
        List<SparkJob> st0 = SparkRestParser.jobs(jobs, "0");
        assertEquals(List.of(0, 1), st0.stream().map(SparkJob::jobId).toList());
        assertTrue(SparkRestParser.jobs(jobs, "7").isEmpty());
    }

    @Test
    void runningSnapshotMapsToBarsAndStageTable() {
        List<SparkJob> jobs = SparkRestParser.jobs(recorded("multi-running1-jobs"), "1");
        List<SparkStage> stages = SparkRestParser.stages(recorded("multi-running1-stages"), Set.of(3));
        int[] ex = SparkRestParser.executors(recorded("multi-running1-executors"));
        SparkSnapshot snap = new SparkSnapshot(jobs, stages, ex[0], ex[1]);
        long now = stages.get(0).submissionTime() + 2500;
        ProgressState s = ProgressState.of(snap, ProgressState.Outcome.RUNNING, now, 2600);

        assertEquals(ProgressState.Outcome.RUNNING, s.outcome());
        assertEquals(0, s.done());
        assertEquals(8, s.total());
        assertEquals(List.of(new ProgressState.JobRow(2, "count at <stdin>:5", "RUNNING", 0, 8, 0)), s.jobs());
        assertEquals("info", s.jobs().get(0).barStyle());
        assertEquals(1, s.stages().size());
        ProgressState.StageRow stage = s.stages().get(0);
        assertEquals(3, stage.stageId());
        assertEquals("ACTIVE", stage.status());
        assertEquals(2500, stage.elapsedMillis());
        // Local mode: no executors besides the driver, whose 2 cores run the tasks.
        assertEquals(0, s.executors());
        assertEquals(2, s.cores());

        assertTrue(HtmlRender.jobCaption(s.jobs().get(0)).contains("Job 2: count at &lt;stdin&gt;:5 &mdash; 0/8 tasks"));
        String table = HtmlRender.stageTable(s);
        assertTrue(table.contains("<td style=\"padding:2px 8px\">3</td><td style=\"padding:2px 8px\">count at &lt;stdin&gt;:5</td>"), table);
        assertTrue(table.contains("0/8") && table.contains("2.50"), table);
    }

    @Test
    void finishedMultiJobStatementSucceeds() {
        SparkSnapshot snap = snapshot("multi-done", "1");
        ProgressState s = ProgressState.of(snap, ProgressState.Outcome.SUCCEEDED, 0, 19_400);
        assertEquals(ProgressState.Outcome.SUCCEEDED, s.outcome());
        assertEquals(24, s.total());
        assertEquals(24, s.done());
        assertEquals(100, s.percent());
        assertEquals(List.of(3, 4, 5), s.stages().stream().map(ProgressState.StageRow::stageId).toList());
        assertTrue(s.jobs().stream().allMatch(j -> j.barStyle().equals("success")));
        assertEquals("Spark: 2 jobs succeeded, 24/24 tasks, 3 stages in 19.4s", TextLine.summary(s));
        String html = HtmlRender.snapshot(s);
        assertTrue(html.startsWith("<details open"), html);
        assertTrue(html.contains("width:100%"), html);
    }

    @Test
    void failedJobNamesTheFailingStage() {
        SparkSnapshot snap = snapshot("fail-done", "2");
        // Livy says "available" (the error is in the output): the failed job makes the outcome FAILED.
        ProgressState s = ProgressState.of(snap, ProgressState.Outcome.SUCCEEDED, 0, 1400);
        assertEquals(ProgressState.Outcome.FAILED, s.outcome());
        assertEquals(6, s.failedStage().stageId());
        assertEquals("danger", s.barStyle());
        assertEquals("danger", s.jobs().get(0).barStyle());
        assertEquals("Spark: failed in stage 6 (count at <stdin>:4) after 0/4 tasks, 1 failed tasks in 1.4s",
                TextLine.summary(s));
        assertTrue(HtmlRender.footer(s).contains("Job aborted due to stage failure"));
    }

    @Test
    void cancelledMarksRunningJobs() {
        SparkSnapshot snap = new SparkSnapshot(SparkRestParser.jobs(recorded("multi-running1-jobs"), "1"), List.of(), 0, 2);
        ProgressState s = ProgressState.of(snap, ProgressState.Outcome.CANCELLED, 0, 3000);
        assertEquals("CANCELLED", s.jobs().get(0).status());
        assertEquals("warning", s.barStyle());
        assertTrue(TextLine.summary(s).startsWith("Spark: cancelled after 0/8 tasks"), TextLine.summary(s));
    }

    @Test
    void fallbackShowsLivysFractionOfTheJobsSoFarNeverTaskCounts() {
        ProgressState s = ProgressState.fallback(0.42, ProgressState.Outcome.RUNNING, 2000, TextLine.NO_SPARK_UI);
        assertTrue(s.detailsUnavailable());
        assertEquals(42, s.percent());
        assertEquals(List.of(), s.stages());
        assertTrue(HtmlRender.footer(s).contains("Livy reports no Spark UI for this session"), HtmlRender.footer(s));
        assertEquals("Spark [========>           ] 42% of the jobs so far | 2.0s", TextLine.running(s));
        String caption = HtmlRender.jobCaption(s.jobs().get(0));
        assertTrue(caption.contains("42%"), caption);
        assertFalse(caption.contains("tasks"), "Livy's fraction must not read as task counts: " + caption);
        assertFalse(HtmlRender.overallCaption(s).contains("tasks"), HtmlRender.overallCaption(s));
        ProgressState end = ProgressState.fallback(0.42, ProgressState.Outcome.SUCCEEDED, 2000, TextLine.NO_SPARK_UI);
        assertEquals(100, end.percent());
        assertEquals("Spark: finished in 2.0s (Livy reports no Spark UI for this session, so only Livy's overall "
                + "progress of the jobs so far is shown)", TextLine.summary(end));
        assertFalse(HtmlRender.snapshot(end).contains("tasks"), HtmlRender.snapshot(end));
    }

    @Test
    void anUnreachableUiIsNamedWithItsAddress() {
        ProgressState s = ProgressState.fallback(0.5, ProgressState.Outcome.SUCCEEDED, 1000,
                TextLine.unreachable("http://ip-10-0-0-1:20888/proxy/application_1_0001", "connection refused"));
        assertTrue(TextLine.summary(s).contains("the Spark UI at http://ip-10-0-0-1:20888/proxy/application_1_0001 "
                + "could not be reached from the kernel (connection refused)"), TextLine.summary(s));
        assertTrue(HtmlRender.footer(s).contains("<i>The Spark UI at http://ip-10-0-0-1"), HtmlRender.footer(s));
    }

    @Test
    void aSucceededJobShowsCompleteEvenWhenSparkStillCountsATaskRunning() {
        SparkJob lagging = new SparkJob(7, "count at <stdin>:1", "SUCCEEDED", 18, 2, 16, 0, 0, List.of(9), 0, 0);
        ProgressState s = ProgressState.of(new SparkSnapshot(List.of(lagging), List.of(), 0, 2),
                ProgressState.Outcome.SUCCEEDED, 0, 1000);
        assertEquals(18, s.jobs().get(0).done());
        assertEquals(100, s.percent());
    }

    @Test
    void textLineWhileRunning() {
        SparkSnapshot snap = snapshot("multi-done", "1");
        List<SparkJob> jobs = List.of(snap.jobs().get(0),
                new SparkJob(3, "collect at <stdin>:6", "RUNNING", 16, 2, 4, 0, 0, List.of(4, 5), 0, 0));
        ProgressState s = ProgressState.of(new SparkSnapshot(jobs, List.of(), 0, 2), ProgressState.Outcome.RUNNING, 0, 12_345);
        assertEquals("Spark [==========>         ] 50% 12/24 tasks | job 3 running: collect at <stdin>:6 | 1 job done | 12.3s",
                TextLine.running(s));
        assertFalse(TextLine.running(s).contains("IntProgress"));
    }

    static SparkSnapshot snapshot(String prefix, String group) {
        List<SparkJob> jobs = SparkRestParser.jobs(recorded(prefix + "-jobs"), group);
        Set<Integer> ids = new java.util.HashSet<>();
        jobs.forEach(j -> ids.addAll(j.stageIds()));
        return new SparkSnapshot(jobs, SparkRestParser.stages(recorded(prefix + "-stages"), ids), 0, 2);
    }
}
