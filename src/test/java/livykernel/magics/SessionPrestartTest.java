package livykernel.magics;

import livykernel.config.KernelConfig;
import livykernel.display.OutputMapper;
import livykernel.execution.LivyCellExecutor;
import livykernel.execution.SessionCells;
import livykernel.execution.StatementListener;
import livykernel.execution.StatementRunner;
import livykernel.kernel.Cell;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyClient;
import livykernel.livy.PollingPolicy;
import livykernel.livy.ScriptedLivy;
import livykernel.progress.ProgressMode;
import livykernel.progress.ProgressSettings;
import livykernel.session.SessionManager;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session created when the kernel starts: found by the first cell, replaced by a top %%configure, never leaked. */
class SessionPrestartTest {

    private ScriptedLivy livy;
    private final AtomicInteger nextId = new AtomicInteger(1);
    /** Livy's state of each session it has; a GET of one not here is a 404. */
    private final Map<Integer, String> states = new ConcurrentHashMap<>();
    /** The body of every POST /sessions, in order. */
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    /** The body each session was created with, by id. */
    private final Map<Integer, String> bodyOf = new ConcurrentHashMap<>();
    /** Sessions are idle as soon as Livy is asked about them, unless a test wants them starting. */
    private volatile String stateAfterCreate = "idle";
    private volatile boolean postFails;
    /** While not counted down, POST /sessions hangs: a pre-start whose POST is in flight. */
    private volatile CountDownLatch postGate = new CountDownLatch(0);

    private SessionManager sessions;
    private StatementRunner runner;
    private CellRouter router;

    @BeforeEach
    void start() throws IOException {
        livy = new ScriptedLivy(this::route);
        LivyClient client = livy.client(List.of(10L));
        sessions = new SessionManager(() -> client, livy.scheduler, Map.of("conf", Map.of("spark.x", "1")), 0,
                Duration.ofSeconds(10));
        runner = new StatementRunner(sessions, () -> client, livy.scheduler, PollingPolicy.DEFAULT, List.of(),
                StatementListener.NONE, true, new SessionCells());
        LivyCellExecutor executor = new LivyCellExecutor(runner, new OutputMapper());
        MagicContext ctx = new MagicContext(sessions, runner, executor, KernelConfig.builder().build(),
                () -> "scripted", new ProgressSettings(ProgressMode.OFF));
        router = new CellRouter(executor, MagicRegistry.standard(ctx));
    }

    private MockResponse route(RecordedRequest r) {
        String line = r.getMethod() + " " + r.getPath();
        if (line.equals("POST /sessions")) {
            try {
                postGate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String body = r.getBody().readUtf8();
            bodies.add(body);
            if (postFails) {
                return json(500, "{\"msg\":\"Livy is out of resources\"}");
            }
            int id = nextId.getAndIncrement();
            bodyOf.put(id, body);
            states.put(id, stateAfterCreate);
            return json(201, "{\"id\":" + id + ",\"state\":\"starting\"}");
        }
        if (line.matches("GET /sessions/\\d+")) {
            String state = states.get(id(r));
            return state == null ? json(404, "{\"msg\":\"not found\"}")
                    : json(200, "{\"id\":" + id(r) + ",\"state\":\"" + state + "\"}");
        }
        if (line.matches("DELETE /sessions/\\d+")) {
            states.remove(id(r));
            return json(200, "{\"msg\":\"deleted\"}");
        }
        if (line.matches("POST /sessions/\\d+/statements")) {
            return json(201, "{\"id\":0,\"state\":\"available\",\"output\":{\"status\":\"ok\",\"execution_count\":0,"
                    + "\"data\":{\"text/plain\":\"1\"}}}");
        }
        if (line.matches("GET /sessions/\\d+/log.*")) {
            return json(200, "{\"id\":1,\"from\":0,\"total\":0,\"log\":[]}");
        }
        return ScriptedLivy.unexpected(r);
    }

    private static int id(RecordedRequest r) {
        return Integer.parseInt(r.getPath().split("/")[2].split("\\?")[0]);
    }

    @AfterEach
    void stop() throws IOException {
        postGate.countDown();
        livy.close();
    }

    private int idWithConf(String sparkX) {
        return bodyOf.entrySet().stream().filter(e -> e.getValue().contains("\"spark.x\":\"" + sparkX + "\""))
                .mapToInt(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no session created with spark.x=" + sparkX + ": " + bodyOf));
    }

    private long count(String request) {
        return livy.requests.stream().filter(request::equals).count();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private CellResult cell(String code, Fixtures.Recorder out) throws InterruptedException {
        return router.execute(new Cell(code, 1, false, true), out);
    }

    private static String titles(Fixtures.Recorder out) {
        return out.displays.stream().map(d -> String.valueOf(d.get("text/plain"))).toList().toString();
    }

    @Test
    void thePrestartedSessionServesTheFirstCellWithoutAnotherPostOrStatusLine() throws Exception {
        sessions.prestart();
        await("the pre-started session is ready", () -> sessions.current() != null && sessions.current().isReady());
        assertEquals(1, count("POST /sessions"), "created before any cell");
        Fixtures.Recorder out = new Fixtures.Recorder();
        CellResult r = cell("print(1)", out);
        assertTrue(r.ok(), r.toString());
        assertEquals(1, count("POST /sessions"), livy.requests.toString());
        assertFalse(titles(out).contains("Starting Spark session"), titles(out));
        assertTrue(livy.requests.contains("POST /sessions/1/statements"), livy.requests.toString());
    }

    @Test
    void aSessionReadySinceTheLastBackgroundPollShowsNoStatusLine() throws Exception {
        stateAfterCreate = "starting";
        sessions.prestart();
        await("a background poll saw it starting", () -> livy.requests.contains("GET /sessions/1"));
        states.put(1, "idle");
        Fixtures.Recorder out = new Fixtures.Recorder();
        CellResult r = cell("print(1)", out);
        assertTrue(r.ok(), r.toString());
        assertFalse(titles(out).contains("Starting Spark session"), titles(out));
    }

    @Test
    void aStillStartingPrestartedSessionShowsTheStatusLineUntilReady() throws Exception {
        stateAfterCreate = "starting";
        sessions.prestart();
        await("a background poll saw it starting", () -> livy.requests.contains("GET /sessions/1"));
        Fixtures.Recorder out = new Fixtures.Recorder();
        Thread cell = new Thread(() -> {
            try {
                assertTrue(cell("print(1)", out).ok());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        cell.start();
        await("the cell shows the session starting", () -> titles(out).contains("Starting Spark session 1"));
        states.put(1, "idle");
        cell.join(10_000);
        assertFalse(cell.isAlive());
        assertTrue(titles(out).contains("Spark session 1 ready in"), titles(out));
        assertEquals(1, count("POST /sessions"));
    }

    @Test
    void aFailedPrestartIsShownOnceByTheFirstCellAndTheSecondRetries() throws Exception {
        postFails = true;
        sessions.prestart();
        await("the pre-start's POST was answered", () -> bodies.size() == 1);
        Fixtures.Recorder first = new Fixtures.Recorder();
        CellResult failed = cell("print(1)", first);
        assertFalse(failed.ok());
        assertTrue(failed.toString().contains("Could not create a Spark session on Livy"), failed.toString());
        assertTrue(failed.toString().contains("Livy is out of resources"), failed.toString());
        assertEquals(1, bodies.size(), "the first cell shows the pre-start's failure, it does not try again itself");
        postFails = false;
        CellResult second = cell("print(1)", new Fixtures.Recorder());
        assertTrue(second.ok(), second.toString());
        assertEquals(2, bodies.size(), "the second cell tried again");
    }

    @Test
    void aPrestartedSessionThatDiesIsReportedOnceByTheFirstCell() throws Exception {
        stateAfterCreate = "dead";
        sessions.prestart();
        await("the background polls saw it dead", () -> livy.requests.contains("GET /sessions/1")
                && sessions.current() == null);
        CellResult failed = cell("print(1)", new Fixtures.Recorder());
        assertFalse(failed.ok());
        assertTrue(failed.toString().contains("The Spark session 1 failed to start: Livy reports state 'dead'"),
                failed.toString());
        assertEquals(1, bodies.size());
        stateAfterCreate = "idle";
        CellResult second = cell("print(1)", new Fixtures.Recorder());
        assertTrue(second.ok(), second.toString());
        assertEquals(2, bodies.size(), "the second cell started a new session");
    }

    @Test
    void aTopConfigureWithOtherSettingsReplacesThePrestartedSessionWithoutForce() throws Exception {
        stateAfterCreate = "starting";
        sessions.prestart();
        await("the pre-started session exists", () -> sessions.current() != null);
        Fixtures.Recorder out = new Fixtures.Recorder();
        CellResult r = cell("%%configure\n{\"conf\": {\"spark.x\": \"2\"}}", out);
        assertTrue(r.ok(), r.toString());
        assertTrue(titles(out).contains("deleted and a new one is starting"), titles(out));
        assertTrue(livy.requests.contains("DELETE /sessions/1"), livy.requests.toString());
        await("the new session is created", () -> bodies.size() == 2);
        assertTrue(bodies.get(1).contains("\"spark.x\":\"2\""), bodies.get(1));
        states.put(2, "idle");
        CellResult ran = cell("print(1)", new Fixtures.Recorder());
        assertTrue(ran.ok(), ran.toString());
        assertTrue(livy.requests.contains("POST /sessions/2/statements"), livy.requests.toString());
        assertEquals(2, count("POST /sessions"));
    }

    @Test
    void aConfigureWhileThePrestartsPostIsInFlightNeitherWaitsNorLeaksIt() throws Exception {
        postGate = new CountDownLatch(1);
        sessions.prestart();
        await("the pre-start's POST is in flight", () -> livy.requests.contains("POST /sessions"));
        CellResult r = cell("%%configure\n{\"conf\": {\"spark.x\": \"2\"}}", new Fixtures.Recorder());
        assertTrue(r.ok(), r.toString());
        postGate.countDown();
        // Both POSTs are in flight at once, so which one Livy numbers 1 is a race: find them by body.
        await("both sessions are created", () -> bodyOf.size() == 2);
        int old = idWithConf("1");
        int replacement = idWithConf("2");
        await("the pre-start's session is deleted", () -> livy.requests.contains("DELETE /sessions/" + old));
        await("the kernel holds the new session",
                () -> sessions.current() != null && sessions.current().id() == replacement);
        assertEquals(1, livy.requests.stream().filter(q -> q.startsWith("DELETE ")).count(), livy.requests.toString());
    }

    @Test
    void aConfigureWithTheSameSettingsKeepsThePrestartedSession() throws Exception {
        sessions.prestart();
        await("the pre-started session exists", () -> sessions.current() != null);
        Fixtures.Recorder out = new Fixtures.Recorder();
        CellResult r = cell("%%configure\n{\"conf\": {\"spark.x\": \"1\"}}", out);
        assertTrue(r.ok(), r.toString());
        assertTrue(titles(out).contains("already has this configuration"), titles(out));
        assertEquals(0, livy.requests.stream().filter(q -> q.startsWith("DELETE")).count(), livy.requests.toString());
        assertEquals(1, sessions.current().id());
    }

    @Test
    void afterAStatementRanConfigureStillNeedsForce() throws Exception {
        sessions.prestart();
        await("the pre-started session exists", () -> sessions.current() != null);
        assertTrue(cell("print(1)", new Fixtures.Recorder()).ok());
        CellResult r = cell("%%configure\n{\"conf\": {\"spark.x\": \"2\"}}", new Fixtures.Recorder());
        assertFalse(r.ok());
        assertTrue(r.toString().contains("Add -f"), r.toString());
        assertEquals(0, livy.requests.stream().filter(q -> q.startsWith("DELETE")).count(), livy.requests.toString());
        assertEquals(Map.of("spark.x", "1"), sessions.sessionConfigs().get("conf"), "nothing was changed");
    }

    @Test
    void shutdownWhileThePrestartsPostIsInFlightDeletesTheSessionItCreates() throws Exception {
        postGate = new CountDownLatch(1);
        sessions.prestart();
        await("the pre-start's POST is in flight", () -> livy.requests.contains("POST /sessions"));
        Thread shutdown = new Thread(runner::shutdown, "test-shutdown");
        shutdown.start();
        // The shutdown waits for the POST in flight: only then can it delete what the POST creates.
        await("shutdown waits for the POST", () -> shutdown.getState() == Thread.State.TIMED_WAITING);
        postGate.countDown();
        shutdown.join(10_000);
        assertFalse(shutdown.isAlive());
        assertTrue(livy.requests.contains("DELETE /sessions/1"), livy.requests.toString());
        assertEquals(null, sessions.current());
    }

    @Test
    void shutdownAfterThePrestartDeletesTheSession() throws Exception {
        sessions.prestart();
        await("the pre-started session exists", () -> sessions.current() != null);
        assertNotNull(sessions.current());
        runner.shutdown();
        assertTrue(livy.requests.contains("DELETE /sessions/1"), livy.requests.toString());
    }
}
