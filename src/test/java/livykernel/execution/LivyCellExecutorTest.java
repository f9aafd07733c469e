package livykernel.execution;

import livykernel.display.OutputMapper;
import livykernel.kernel.Cell;
import livykernel.session.SessionManager;
import livykernel.kernel.CellOutput;
import livykernel.kernel.RequestContext;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyClient;
import livykernel.livy.PollingPolicy;
import livykernel.livy.ScriptedLivy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.*;

/** The cell life cycle against a scripted Livy: session start, polling, cancel, a reaped session. */
class LivyCellExecutorTest {

    private ScriptedLivy livy;
    private final AtomicInteger sessionPolls = new AtomicInteger();
    private final AtomicInteger statementPolls = new AtomicInteger();
    private volatile boolean cancelled;
    private volatile boolean sessionReaped;
    private volatile int nextSessionId = 1;
    /** While true, statement polls answer 503 as a restarting Livy behind a proxy does. */
    private volatile boolean livyDown;
    private final AtomicInteger pollsWhileDown = new AtomicInteger();

    private volatile RequestContext interruptTarget;

    private static final class NoOutput implements CellOutput {
        final List<String> events = new CopyOnWriteArrayList<>();
        public void stream(String name, String text) { events.add(name + ":" + text); }
        public void display(Map<String, Object> d, Map<String, Object> m, String id) { events.add("display:" + d.get("text/plain")); }
        public void updateDisplay(Map<String, Object> d, Map<String, Object> m, String id) { events.add("update:" + d.get("text/plain")); }
        public void executeResult(Map<String, Object> d, Map<String, Object> m) { events.add("result"); }
        public void clearOutput(boolean wait) { }
        final RequestContext context = RequestContext.detached();
        public RequestContext context() { return context; }
    }

    @BeforeEach
    void start() throws IOException {
        livy = new ScriptedLivy(r -> {
            String line = r.getMethod() + " " + r.getPath();
            String path = r.getPath();
            if (line.equals("POST /sessions")) {
                sessionReaped = false;
                return json(201, "{\"id\":" + nextSessionId + ",\"state\":\"starting\"}");
            }
            if (sessionReaped && path.startsWith("/sessions/")) {
                return json(404, "{\"msg\":\"Session '1' not found.\"}");
            }
            if (r.getMethod().equals("GET") && path.matches("/sessions/\\d+")) {
                String state = sessionPolls.incrementAndGet() < 3 ? "starting" : "idle";
                return json(200, "{\"id\":" + nextSessionId + ",\"state\":\"" + state + "\",\"appId\":\"local-1\","
                        + "\"appInfo\":{\"sparkUiUrl\":\"http://127.0.0.1:4040\"}}");
            }
            if (line.matches("POST /sessions/\\d+/statements")) {
                statementPolls.set(0);
                cancelled = false;
                return json(201, "{\"id\":0,\"state\":\"waiting\",\"output\":null}");
            }
            if (line.matches("POST /sessions/\\d+/statements/0/cancel")) {
                cancelled = true;
                return json(200, "{\"msg\":\"canceled\"}");
            }
            if (line.matches("GET /sessions/\\d+/statements/0")) {
                if (livyDown) {
                    pollsWhileDown.incrementAndGet();
                    return json(503, "<html><body>Service Unavailable</body></html>");
                }
                if (cancelled) {
                    return json(200, "{\"id\":0,\"state\":\"cancelled\",\"output\":null}");
                }
                if (statementPolls.incrementAndGet() < 4 || r.getPath().contains("/999")) {
                    return json(200, "{\"id\":0,\"state\":\"running\",\"progress\":0.5}");
                }
                return json(200, "{\"id\":0,\"state\":\"available\",\"output\":{\"status\":\"ok\",\"execution_count\":0,"
                        + "\"data\":{\"text/plain\":\"hello\"}}}");
            }
            if (r.getMethod().equals("DELETE")) {
                return json(200, "{\"msg\":\"deleted\"}");
            }
            return ScriptedLivy.unexpected(r);
        });
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private StatementRunner runner;

    private LivyCellExecutor executor(SessionManager sessions) {
        return executor(sessions, true);
    }

    private LivyCellExecutor executor(SessionManager sessions, boolean autoRecreate) {
        LivyClient client = livy.client(List.of(10L));
        runner = new StatementRunner(sessions, () -> client, livy.scheduler, PollingPolicy.DEFAULT,
                List.of("Config problem: x"), StatementListener.NONE, autoRecreate, new SessionCells());
        return new LivyCellExecutor(runner, new OutputMapper());
    }

    private SessionManager sessions() {
        LivyClient client = livy.client(List.of(10L));
        return new SessionManager(() -> client, livy.scheduler, Map.of("conf", Map.of("spark.x", "1")), 60, Duration.ofSeconds(10));
    }

    @Test
    void firstCellStartsSessionShowsStatusAndRunsStatement() throws Exception {
        LivyCellExecutor ex = executor(sessions());
        NoOutput out = new NoOutput();
        CellResult r = ex.execute(new Cell("print('hello')", 1, false, true), out);
        assertTrue(r.ok(), String.valueOf(r));
        assertEquals("stderr:Config problem: x\n", out.events.get(0), "config problems shown in the first cell");
        assertTrue(out.events.get(1).startsWith("display:Starting Spark session 1"));
        assertTrue(out.events.stream().anyMatch(e -> e.startsWith("update:Spark session 1 ready") && e.contains("http://127.0.0.1:4040")));
        assertEquals("stdout:hello\n", out.events.get(out.events.size() - 1));
        assertTrue(livy.requests.contains("POST /sessions"));
        // A second cell reuses the session and shows no notices again.
        NoOutput out2 = new NoOutput();
        assertTrue(ex.execute(new Cell("print('hello')", 2, false, true), out2).ok());
        assertEquals(List.of("stdout:hello\n"), out2.events);
        assertEquals(1, livy.requests.stream().filter(s -> s.equals("POST /sessions")).count());
    }

    @Test
    void creationBodyCarriesKindHeartbeatAndConf() {
        Map<String, Object> body = sessions().creationBody();
        assertEquals("pyspark", body.get("kind"));
        assertEquals(60, body.get("heartbeatTimeoutInSecond"));
        assertEquals(Map.of("spark.x", "1"), body.get("conf"));
    }

    @Test
    void blankCellNeedsNoSession() throws Exception {
        assertTrue(executor(sessions()).execute(new Cell("  \n", 1, false, true), new NoOutput()).ok());
        assertTrue(livy.requests.isEmpty());
    }

    @Test
    void interruptCancelsTheStatementNotTheSession() throws Exception {
        SessionManager sessions = sessions();
        LivyCellExecutor ex = executor(sessions);
        assertTrue(ex.execute(new Cell("x = 1", 1, false, true), new NoOutput()).ok());
        statementPolls.set(-1000); // keep the next statement running until cancelled
        Thread t = new Thread(() -> {
            try {
                while (!livy.requests.stream().anyMatch(s -> s.matches("GET /sessions/1/statements/0")) || statementPolls.get() < -995) {
                    Thread.sleep(5);
                }
                interruptTarget.interrupt();
            } catch (InterruptedException ignored) {
            }
        });
        statementPolls.set(-1000);
        livy.requests.clear();
        NoOutput out = new NoOutput();
        interruptTarget = out.context;
        t.start();
        CellResult r = ex.execute(new Cell("import time; time.sleep(60)", 2, false, true), out);
        t.join();
        assertFalse(r.ok());
        assertEquals("KeyboardInterrupt", r.ename());
        assertTrue(livy.requests.contains("POST /sessions/1/statements/0/cancel"), livy.requests.toString());
        assertFalse(livy.requests.stream().anyMatch(s -> s.contains("/interrupt")));
        assertFalse(livy.requests.stream().anyMatch(s -> s.startsWith("DELETE")));
        assertNotNull(sessions.current(), "the session survives an interrupt");
    }

    @Test
    void interruptWithNothingRunningIsHarmless() throws Exception {
        LivyCellExecutor ex = executor(sessions());
        RequestContext.detached().interrupt();
        assertTrue(ex.execute(new Cell("print('hello')", 1, false, true), new NoOutput()).ok());
    }

    @Test
    void withoutAutoRecreateAReapedSessionIsReportedAndReplacedByTheNextCell() throws Exception {
        SessionManager sessions = sessions();
        LivyCellExecutor ex = executor(sessions, false);
        assertTrue(ex.execute(new Cell("x = 1", 1, false, true), new NoOutput()).ok());
        sessionReaped = true;
        CellResult lost = ex.execute(new Cell("print(x)", 2, false, true), new NoOutput());
        assertFalse(lost.ok());
        assertEquals("SessionLost", lost.ename());
        assertTrue(lost.evalue().contains("next cell starts a new session"), lost.evalue());
        assertNull(sessions.current());
        nextSessionId = 2;
        sessionPolls.set(0);
        assertTrue(ex.execute(new Cell("print('hello')", 3, false, true), new NoOutput()).ok());
        assertEquals(2, sessions.current().id());
    }

    @Test
    void shutdownDeletesTheSession() throws Exception {
        SessionManager sessions = sessions();
        LivyCellExecutor ex = executor(sessions);
        assertTrue(ex.execute(new Cell("x = 1", 1, false, true), new NoOutput()).ok());
        ex.shutdown(false);
        assertTrue(livy.requests.contains("DELETE /sessions/1"), livy.requests.toString());
        assertNull(sessions.current());
    }

    @Test
    void aRunningStatementIsFollowedThroughALivyOutage() throws Exception {
        LivyCellExecutor ex = executor(sessions());
        assertTrue(ex.execute(new Cell("x = 1", 1, false, true), new NoOutput()).ok());
        statementPolls.set(-1000);   // running until the outage is over
        Thread outage = new Thread(() -> {
            try {
                while (livy.requests.stream().noneMatch(s -> s.matches("GET /sessions/1/statements/0"))) {
                    Thread.sleep(5);
                }
                livyDown = true;
                while (pollsWhileDown.get() < 8) {   // several failed polls, each after the client's own retry
                    Thread.sleep(5);
                }
                statementPolls.set(0);
                livyDown = false;
            } catch (InterruptedException ignored) {
            }
        });
        livy.requests.clear();
        outage.start();
        NoOutput out = new NoOutput();
        CellResult r = ex.execute(new Cell("print('hello')", 2, false, true), out);
        outage.join();
        assertTrue(r.ok(), String.valueOf(r));
        assertEquals("stdout:hello\n", out.events.get(out.events.size() - 1));
        assertTrue(out.events.get(0).startsWith("stderr:Livy is not answering"), out.events.toString());
        assertTrue(out.events.contains("stderr:Livy answers again; still following the statement.\n"), out.events.toString());
        assertEquals(2, out.events.stream().filter(e -> e.startsWith("stderr:")).count(), "one notice each way");
    }

    @Test
    void anOutageLongerThanTheLimitEndsTheCellWithAClearError() throws Exception {
        LivyCellExecutor ex = executor(sessions());
        runner.outageLimit(300);
        assertTrue(ex.execute(new Cell("x = 1", 1, false, true), new NoOutput()).ok());
        statementPolls.set(-1000);
        livyDown = true;
        CellResult r = ex.execute(new Cell("import time; time.sleep(60)", 2, false, true), new NoOutput());
        assertFalse(r.ok());
        assertEquals("LivyError", r.ename());
        assertTrue(r.evalue().startsWith("Lost track of the running cell: Livy did not answer for"), r.evalue());
    }
}
