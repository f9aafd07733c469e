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

    private static com.fasterxml.jackson.databind.JsonNode app(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fake UI behind a path prefix: YARN's web proxy, or a history server's attempt; {@code down} makes the live side fail. */
    static SparkRest behind(FakeSparkUi ui, String prefixedApi, List<String> asked) {
        return url -> {
            asked.add(url);
            if (!url.startsWith(prefixedApi)) {
                throw new IllegalStateException("unexpected URL " + url);
            }
            return ui.get(FakeSparkUi.API + url.substring(prefixedApi.length()));
        };
    }

    @Test
    void throughYarnsProxyEveryCallKeepsTheProxyPathWithOrWithoutTheTrailingSlash() {
        String proxy = "http://ip-10-0-0-1.ec2.internal:20888/proxy/local-1";
        spark.jobs.add(job(0, "3", "RUNNING", 0));
        spark.stages.add(stage(0, 0, "ACTIVE"));
        for (String reported : List.of(proxy + "/", proxy)) {
            List<String> asked = new java.util.ArrayList<>();
            SparkPoller p = new SparkPoller(behind(spark, proxy + "/api/v1/applications/local-1", asked), reported,
                    new SparkPoller.JobCursor("local-1"), 3);
            assertEquals(List.of(0), jobIds(p.poll()));
            assertEquals(proxy + "/api/v1/applications/local-1/jobs?status=running", asked.get(0));
            assertTrue(asked.contains(proxy + "/api/v1/applications/local-1/stages?status=active&status=pending"), asked.toString());
            assertEquals(proxy, p.address());
            assertEquals("the Spark UI at " + proxy, p.where());
        }
    }

    @Test
    void whenTheLiveUiGoesAwayTheStatementIsReadOnFromTheHistoryServersAttempt() {
        String proxy = "http://rm:20888/proxy/local-1/";
        spark.jobs.add(job(0, "6", "RUNNING", 0));
        spark.stages.add(stage(0, 0, "ACTIVE"));
        List<String> asked = new java.util.ArrayList<>();
        boolean[] liveUp = {true};
        SparkRest live = behind(spark, "http://rm:20888/proxy/local-1/api/v1/applications/local-1", asked);
        SparkRest fromHistory = behind(spark, "http://primary:18080/api/v1/applications/local-1/1", asked);
        SparkRest rest = url -> {
            if (url.startsWith("http://rm:20888")) {
                if (!liveUp[0]) {
                    throw new IllegalStateException("Failed to connect to rm:20888");
                }
                return live.get(url);
            }
            if (url.equals("http://primary:18080/api/v1/applications/local-1")) {
                asked.add(url);
                return app("{\"id\":\"local-1\",\"attempts\":[{\"attemptId\":\"1\",\"startTimeEpoch\":5}]}");
            }
            return fromHistory.get(url);
        };
        long[] now = {0};
        SparkPoller p = new SparkPoller(rest, proxy, cursor, 6, new SparkHistory(rest, "http://primary:18080/"), () -> now[0]);
        assertEquals("RUNNING", p.poll().jobs().get(0).status());
        assertFalse(p.onHistory());

        liveUp[0] = false;   // the application ended: its driver and YARN's proxy to it are gone
        spark.jobs.set(0, job(0, "6", "SUCCEEDED", 0));
        spark.stages.set(0, stage(0, 0, "COMPLETE"));
        asked.clear();
        SparkSnapshot s = p.poll();
        assertEquals("SUCCEEDED", s.jobs().get(0).status());
        assertEquals("COMPLETE", s.stages().get(0).status());
        assertTrue(p.onHistory());
        assertEquals("the Spark history server at http://primary:18080", p.where());
        assertEquals("http://primary:18080/api/v1/applications/local-1", asked.get(0));
        assertTrue(asked.stream().skip(1).allMatch(u -> u.startsWith("http://primary:18080/api/v1/applications/local-1/1/")),
                asked.toString());

        // a live UI that was only slow for a moment is the fresher source again once it answers
        now[0] += SparkPoller.LIVE_RETRY_MS - 1;
        asked.clear();
        p.poll();
        assertTrue(p.onHistory());
        assertTrue(asked.stream().allMatch(u -> u.startsWith("http://primary:18080/")), asked.toString());
        now[0] += 1;
        liveUp[0] = true;
        asked.clear();
        p.poll();
        assertFalse(p.onHistory());
        assertTrue(asked.stream().allMatch(u -> u.startsWith("http://rm:20888/proxy/local-1/")), asked.toString());
    }

    @Test
    void aHistoryServerThatListsTheApplicationButFailsItsJobsLeavesThePollerOnTheLiveUi() {
        SparkRest rest = url -> {
            if (url.equals("http://primary:18080/api/v1/applications/local-1")) {
                return app("{\"id\":\"local-1\",\"attempts\":[{\"attemptId\":\"1\"}]}");
            }
            if (url.startsWith("http://rm:20888")) {
                throw new IllegalStateException("timeout");
            }
            return null;
        };
        SparkPoller p = new SparkPoller(rest, "http://rm:20888/proxy/local-1/", cursor, 1, new SparkHistory(rest, "http://primary:18080"));
        IllegalStateException e = assertThrows(IllegalStateException.class, p::poll);
        assertEquals("timeout; the Spark history server at http://primary:18080: GET …/applications/local-1/jobs?status=running "
                + "answered 404", e.getMessage());
        assertFalse(p.onHistory());
    }

    @Test
    void aHistoryServerThatHasNotReadTheApplicationYetIsNamedBesideTheLiveUisFailure() {
        SparkRest rest = url -> {
            if (url.startsWith("http://rm:20888")) {
                throw new IllegalStateException("Failed to connect to rm:20888");
            }
            return null;   // the history server's 404: "no such app"
        };
        SparkPoller p = new SparkPoller(rest, "http://rm:20888/proxy/local-1/", cursor, 1, new SparkHistory(rest, "http://primary:18080"));
        IllegalStateException e = assertThrows(IllegalStateException.class, p::poll);
        assertEquals("Failed to connect to rm:20888; the Spark history server at http://primary:18080 does not list "
                + "application local-1 (yet: it reads event logs every few seconds)", e.getMessage());
        assertFalse(p.onHistory());
        assertEquals("the Spark UI at http://rm:20888/proxy/local-1", p.where());
    }

    @Test
    void withTheHistoryServerUnreachableTooARetryCostsOnlyTheLiveUisRequest() {
        List<String> asked = new java.util.ArrayList<>();
        SparkRest rest = url -> {
            asked.add(url);
            throw new IllegalStateException(url.startsWith("http://rm:20888") ? "timeout" : "Failed to connect to primary:18080");
        };
        long[] now = {0};
        SparkPoller p = new SparkPoller(rest, "http://rm:20888/proxy/local-1/", cursor, 1,
                new SparkHistory(rest, "http://primary:18080", () -> now[0]), () -> now[0]);
        IllegalStateException first = assertThrows(IllegalStateException.class, p::poll);
        assertEquals("timeout; the Spark history server at http://primary:18080 could not be reached "
                + "(Failed to connect to primary:18080)", first.getMessage());
        assertEquals(2, asked.size(), asked.toString());
        asked.clear();
        now[0] += 5_000;   // the display's next try at an unreachable UI
        IllegalStateException again = assertThrows(IllegalStateException.class, p::poll);
        assertEquals(first.getMessage(), again.getMessage());
        assertEquals(List.of("http://rm:20888/proxy/local-1/api/v1/applications/local-1/jobs?status=running"), asked);
        asked.clear();
        now[0] += SparkHistory.UNREACHABLE_BACKOFF_MS;
        assertThrows(IllegalStateException.class, p::poll);
        assertEquals(2, asked.size(), "the history server is asked again after the backoff: " + asked);
    }
}
