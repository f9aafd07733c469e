package livykernel.session;

import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import livykernel.livy.ScriptedLivy;
import livykernel.logs.EmrArchive;
import livykernel.logs.EmrCluster;
import livykernel.logs.EmrLogs;
import livykernel.logs.EmrNode;
import livykernel.logs.LivyLogSource;
import livykernel.logs.S3Location;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session's lifecycle is decided from what Livy says of it, never from a statement's text. */
class SessionManagerTest {

    private ScriptedLivy livy;
    private volatile String state = "idle";
    private volatile int totalSessions = 3;
    private volatile String logJson = "[]";
    private volatile String appInfo = "";

    @BeforeEach
    void start() throws IOException {
        livy = new ScriptedLivy(r -> {
            String line = r.getMethod() + " " + r.getPath();
            if (line.equals("POST /sessions")) {
                return json(201, "{\"id\":1,\"state\":\"starting\"}");
            }
            if (line.equals("GET /sessions/1")) {
                return state == null ? json(404, "{\"msg\":\"Session '1' not found.\"}")
                        : json(200, "{\"id\":1,\"state\":\"" + state + "\"" + appInfo + "}");
            }
            if (r.getMethod().equals("GET") && r.getPath().startsWith("/sessions/1/log")) {
                return json(200, "{\"id\":1,\"from\":0,\"total\":2,\"log\":" + logJson + "}");
            }
            if (r.getMethod().equals("GET") && r.getPath().startsWith("/sessions?")) {
                int from = Integer.parseInt(r.getRequestUrl().queryParameter("from"));
                // one session a page, as if the page size were 1, to prove the paging
                String page = from < totalSessions ? "[{\"id\":" + (from + 1) + ",\"state\":\"idle\"}]" : "[]";
                return json(200, "{\"from\":" + from + ",\"total\":" + totalSessions + ",\"sessions\":" + page + "}");
            }
            if (line.equals("POST /sessions/1/connect")) {
                return json(200, "{\"id\":1,\"state\":\"idle\"}");
            }
            if (line.equals("DELETE /sessions/1")) {
                return json(200, "{\"msg\":\"deleted\"}");
            }
            return ScriptedLivy.unexpected(r);
        });
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private SessionManager started() throws Exception {
        LivyClient client = livy.client(List.of(10L));
        SessionManager m = new SessionManager(() -> client, livy.scheduler, Map.of(), 0, Duration.ofSeconds(10));
        assertEquals(1, m.ensureSession(StartObserver.NONE, () -> false).id());
        return m;
    }

    @Test
    void theSparkApplicationLivyReportsLateIsReadAgainByTheNextCells() throws Exception {
        SessionManager m = started();
        assertNull(m.current().sparkUiUrl(), "YARN has not given Livy the application yet");
        appInfo = ",\"appId\":\"application_1_0001\",\"appInfo\":{\"sparkUiUrl\":"
                + "\"http://ip-10-0-0-1:20888/proxy/application_1_0001/\",\"driverLogUrl\":null}";
        var again = m.ensureSession(StartObserver.NONE, () -> false);
        assertEquals("application_1_0001", again.appId());
        assertEquals("http://ip-10-0-0-1:20888/proxy/application_1_0001/", m.current().sparkUiUrl());
    }

    @Test
    void aSessionWithoutSparkUiIsReadAgainOnlyAFewTimes() throws Exception {
        SessionManager m = started();
        int before = livy.requests.size();
        for (int i = 0; i < 10; i++) {
            m.ensureSession(StartObserver.NONE, () -> false);
        }
        assertEquals(3, livy.requests.size() - before, "Livy in local mode never reports a Spark UI");
    }

    @Test
    void theIdleKeepaliveResetsLivysIdleClockOnlyWithinItsWindowAfterTheLastCell() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        java.time.Clock clock = new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId z) { return this; }
            @Override public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(now.get()); }
        };
        LivyClient client = livy.client(List.of(10L));
        SessionManager m = new SessionManager(() -> client, livy.scheduler, new livykernel.logs.LivyLogSource(() -> client),
                Map.of(), 0, Duration.ofSeconds(10), clock);
        assertFalse(m.keepIdleSessionAlive(Duration.ofHours(8)), "no session yet: nothing to keep");
        m.ensureSession(StartObserver.NONE, () -> false);
        m.statementEnded();
        now.addAndGet(Duration.ofMinutes(30).toMillis());
        assertTrue(m.keepIdleSessionAlive(Duration.ofHours(8)));
        assertEquals(1, livy.requests.stream().filter("POST /sessions/1/connect"::equals).count());
        now.addAndGet(Duration.ofHours(8).toMillis());
        assertFalse(m.keepIdleSessionAlive(Duration.ofHours(8)), "after the window Livy's own timeout applies again");
        assertEquals(1, livy.requests.stream().filter("POST /sessions/1/connect"::equals).count());
    }

    @Test
    void aDeadSessionIsForgottenWhenLivySaysSo() throws Exception {
        SessionManager m = started();
        assertTrue(m.lossAfterError().isEmpty(), "an idle session is alive");
        assertNotNull(m.current());
        for (String gone : List.of("dead", "killed", "error", "shutting_down")) {
            SessionManager fresh = started();
            state = gone;
            assertTrue(fresh.lossAfterError().isPresent(), gone);
            assertNull(fresh.current(), gone + " is forgotten");
            state = "idle";
        }
    }

    @Test
    void aVanishedSessionIsForgottenOnRefresh() throws Exception {
        SessionManager m = started();
        state = null;
        assertNull(m.refresh(null));
        assertNull(m.current());
    }

    @Test
    void failuresThatShowTheSessionIsGoneForgetIt() throws Exception {
        SessionManager m = started();
        assertTrue(m.lossBy(new LivyException(503, "Service Unavailable"), false).isEmpty());
        assertNotNull(m.current());
        assertTrue(m.lossBy(new LivyException(500, "Session is in state dead"), false).isPresent());
        assertNull(m.current());
    }

    @Test
    void aLossIsExplainedFromLivysStateAndTheTailOfItsLog() throws Exception {
        record Case(String state, String log, SessionLoss.Kind kind) {
        }
        List<Case> cases = List.of(
                new Case("dead", "[\"stderr: \",\"java.lang.OutOfMemoryError: GC overhead limit exceeded\"]",
                        SessionLoss.Kind.DRIVER_OUT_OF_MEMORY),
                new Case("killed", "[]", SessionLoss.Kind.KILLED),
                new Case("dead", "[\"INFO x\",\"Application application_1_0003 killed by user hadoop\"]", SessionLoss.Kind.KILLED),
                new Case("dead", "[\"WARN TaskSetManager: Lost executor 2 on node-3: Container marked as failed\"]",
                        SessionLoss.Kind.LOST_EXECUTOR),
                new Case("error", "[\"INFO nothing useful\"]", SessionLoss.Kind.UNKNOWN));
        for (Case c : cases) {
            SessionManager m = started();
            state = c.state();
            logJson = c.log();
            SessionLoss loss = m.lossBy(new LivyException(500, "java.lang.IllegalStateException: Session is in state "
                    + c.state()), false).orElseThrow();
            assertEquals(c.kind(), loss.kind(), c.toString());
            assertEquals(c.state(), loss.state());
            assertNull(m.current(), "a lost session is forgotten");
            state = "idle";
        }
        SessionManager m = started();
        state = null;
        long logReads = livy.requests.stream().filter(q -> q.startsWith("GET /sessions/1/log")).count();
        SessionLoss removed = m.lossBy(new LivyException(404, "Session '1' not found."), false).orElseThrow();
        assertNull(removed.state(), "Livy no longer has it");
        assertEquals(SessionLoss.Kind.UNKNOWN, removed.kind(), "just created: not idle long enough to be reaped");
        assertEquals(logReads, livy.requests.stream().filter(q -> q.startsWith("GET /sessions/1/log")).count(),
                "after a 404 there is no log to read");
    }

    /** An EMR cluster whose only primary node is i-0p, logging to s3://b/logs/. */
    private static EmrArchive cluster(List<String> calls) {
        return new EmrArchive() {
            @Override
            public EmrCluster describe(String clusterId) {
                calls.add("describe " + clusterId);
                return new EmrCluster(clusterId, "s3://b/logs/", List.of(new EmrNode("i-0p", null, null, null, null)));
            }

            @Override
            public List<EmrCluster> activeClusters() {
                calls.add("active");
                return List.of();
            }

            @Override
            public Optional<byte[]> read(S3Location object) {
                return Optional.empty();
            }

            @Override
            public List<String> keys(S3Location prefix) {
                return List.of();
            }
        };
    }

    private SessionManager startedWith(EmrLogs emr) throws Exception {
        LivyClient client = livy.client(List.of(10L));
        SessionManager m = new SessionManager(() -> client, livy.scheduler, new LivyLogSource(() -> client), Map.of(), 0,
                Duration.ofSeconds(10), Clock.systemUTC(), emr);
        assertEquals(1, m.ensureSession(StartObserver.NONE, () -> false).id());
        return m;
    }

    @Test
    void aLostSessionOfAKnownEmrClusterSaysWhereEmrArchivesItsLogs() throws Exception {
        appInfo = ",\"appId\":\"application_1_0001\"";
        List<String> calls = new ArrayList<>();
        SessionManager m = startedWith(new EmrLogs(() -> cluster(calls), "j-1", () -> "livy.example", Clock.systemUTC()));
        assertEquals(Optional.of("application_1_0001"), m.appIdOf(1));
        state = null;
        SessionLoss loss = m.lossBy(new LivyException(404, "Session '1' not found."), false).orElseThrow();
        assertEquals(List.of("s3://b/logs/j-1/node/i-0p/applications/livy/livy-livy-server.out.gz",
                "s3://b/logs/j-1/containers/application_1_0001/"), loss.archivedLogs());
        assertNull(m.current());
        assertEquals(Optional.of(1), m.lastSessionId(), "the gone session is still remembered for %%logs");
        assertEquals(Optional.of("application_1_0001"), m.appIdOf(1));
    }

    @Test
    void withoutAKnownClusterALossAsksNoAws() throws Exception {
        List<String> calls = new ArrayList<>();
        SessionManager m = startedWith(new EmrLogs(() -> cluster(calls), null, () -> "livy.example", Clock.systemUTC()));
        state = null;
        SessionLoss loss = m.lossBy(new LivyException(404, "Session '1' not found."), false).orElseThrow();
        assertEquals(List.of(), loss.archivedLogs());
        assertEquals(List.of(), calls);
    }

    @Test
    void listReadsEveryPage() throws Exception {
        SessionManager m = started();
        assertEquals(List.of(1, 2, 3), m.list().stream().map(s -> s.id()).toList());
    }

    @Test
    void deletingTheKernelsOwnSessionByIdForgetsIt() throws Exception {
        SessionManager m = started();
        m.delete(1);
        assertNull(m.current());
        assertTrue(livy.requests.contains("DELETE /sessions/1"), livy.requests.toString());
    }
}
