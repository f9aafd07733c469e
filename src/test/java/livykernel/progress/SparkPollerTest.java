package livykernel.progress;

import org.junit.jupiter.api.Test;

import java.util.List;

import static livykernel.progress.FakeSparkUi.job;
import static livykernel.progress.FakeSparkUi.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the poller asks the Spark UI for, and that asking less still finds every job of the statement. */
class SparkPollerTest {

    final FakeSparkUi spark = new FakeSparkUi();
    final SparkPoller.JobCursor cursor = new SparkPoller.JobCursor("local-1");

    SparkPoller poller(int statementId) {
        return new SparkPoller(spark, "http://127.0.0.1:4040/", cursor, statementId);
    }

    private static List<Integer> jobIds(SparkSnapshot s) {
        return s.jobs().stream().map(SparkJob::jobId).toList();
    }

    @Test
    void onlyTheFirstPollInAnApplicationListsAllJobsAndNoPollListsAllStages() {
        spark.jobs.add(job(0, "0", "SUCCEEDED", 0));
        spark.stages.add(stage(0, 0, "COMPLETE"));
        SparkPoller first = poller(1);
        first.poll();
        assertEquals(List.of("/jobs?status=running", "/jobs", "/jobs/1"), spark.paths());

        spark.jobs.add(job(1, "1", "RUNNING", 1));
        spark.stages.add(stage(1, 0, "ACTIVE"));
        spark.urls.clear();
        SparkSnapshot s = first.poll();
        assertEquals(List.of(1), jobIds(s));
        assertEquals("ACTIVE", s.stages().get(0).status());
        assertFalse(spark.paths().contains("/jobs"), spark.paths().toString());
        assertFalse(spark.paths().contains("/stages"), spark.paths().toString());

        // the next statement of the same application starts from the cursor
        spark.urls.clear();
        poller(2).poll();
        assertFalse(spark.paths().contains("/jobs"), spark.paths().toString());
        assertEquals("/jobs/2", spark.paths().get(spark.paths().size() - 1));
    }

    @Test
    void jobsThatStartedAndEndedBetweenPollsAreFoundByTheirIds() {
        SparkPoller p = poller(4);
        assertTrue(p.poll().jobs().isEmpty());
        spark.jobs.add(job(0, "4", "SUCCEEDED", 0));
        spark.jobs.add(job(1, "other", "SUCCEEDED", 1));
        spark.jobs.add(job(2, "4", "SUCCEEDED", 2, 3));
        spark.stages.add(stage(0, 0, "COMPLETE"));
        spark.stages.add(stage(1, 0, "COMPLETE"));
        spark.stages.add(stage(2, 0, "COMPLETE"));
        spark.stages.add(stage(3, 0, "SKIPPED"));
        SparkSnapshot s = p.poll();
        assertEquals(List.of(0, 2), jobIds(s), "only the statement's own job group");
        assertEquals(List.of(0, 2, 3), s.stages().stream().map(SparkStage::stageId).toList());
        assertEquals(3, cursor.next);
    }

    @Test
    void aJobIdThatNeverStartedIsSkippedWhenARunningJobLiesBeyondIt() {
        SparkPoller p = poller(7);
        p.poll();
        spark.jobs.add(job(0, "7", "SUCCEEDED", 0));
        // job 1 failed before it started: Spark never lists it
        spark.jobs.add(job(2, "7", "SUCCEEDED", 1));
        spark.jobs.add(job(3, "7", "RUNNING", 2));
        SparkSnapshot s = p.poll();
        assertEquals(List.of(0, 2, 3), jobIds(s));
        assertEquals(4, cursor.next);
    }

    @Test
    void endedJobsAndStagesAreFetchedOnceMoreThenNeverAgain() {
        SparkPoller p = poller(3);
        p.poll();
        spark.jobs.add(job(0, "3", "RUNNING", 0));
        spark.stages.add(stage(0, 0, "ACTIVE"));
        p.poll();
        spark.jobs.set(0, job(0, "3", "SUCCEEDED", 0));
        spark.stages.set(0, stage(0, 0, "COMPLETE"));
        spark.urls.clear();
        SparkSnapshot done = p.poll();
        assertEquals("SUCCEEDED", done.jobs().get(0).status());
        assertEquals("COMPLETE", done.stages().get(0).status());
        assertTrue(spark.paths().contains("/jobs/0"), spark.paths().toString());
        assertTrue(spark.paths().contains("/stages/0?details=false"), spark.paths().toString());

        spark.urls.clear();
        assertEquals(done.jobs(), p.poll().jobs());
        assertEquals(List.of("/jobs?status=running", "/jobs/1"), spark.paths(), "nothing ended is asked for again");
    }

    @Test
    void aRetriedStageShowsItsLatestAttempt() {
        SparkPoller p = poller(5);
        p.poll();
        spark.jobs.add(job(0, "5", "RUNNING", 0));
        spark.stages.add(stage(0, 0, "FAILED"));
        spark.stages.add(stage(0, 1, "ACTIVE"));
        SparkSnapshot s = p.poll();
        assertEquals(1, s.stages().get(0).attemptId());
        assertEquals("ACTIVE", s.stages().get(0).status());
    }

    @Test
    void aSparkUiThatDoesNotKnowTheApplicationIsAnErrorNotAnEmptyStatement() {
        SparkPoller p = new SparkPoller(spark, "http://127.0.0.1:4040/", new SparkPoller.JobCursor("app-gone"), 1);
        assertThrows(IllegalStateException.class, p::poll);
    }

    @Test
    void aLateFinalPollOfTheLastStatementDoesNotHideTheNextStatementsJobs() {
        spark.jobs.add(job(0, "1", "SUCCEEDED", 0));
        SparkPoller last = poller(1);
        last.poll();
        SparkPoller nextStatement = poller(2);
        spark.jobs.add(job(1, "2", "SUCCEEDED", 1));
        last.poll();   // probes past job 1, which is not its own
        assertEquals(2, cursor.next);
        assertEquals(List.of(1), jobIds(nextStatement.poll()));
    }
}
