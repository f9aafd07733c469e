package livykernel.execution;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.kernel.RequestContext;
import livykernel.livy.LivyClient;
import livykernel.livy.PollingPolicy;
import livykernel.livy.ScriptedLivy;
import livykernel.session.SessionManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.*;

/** The session setup (the display() helpers) runs once in each session, before its first statement. */
class SessionSetupTest {

    private static final String SETUP = "define_helpers()";
    private final ObjectMapper mapper = new ObjectMapper();
    /** "session:code" of every statement submitted, in order. */
    private final List<String> submitted = new CopyOnWriteArrayList<>();
    private final Set<Integer> reaped = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextSession = new AtomicInteger(1);
    private final AtomicInteger nextStatement = new AtomicInteger();
    private volatile int current;
    /** While set, the setup statement keeps running (a session busy with something else first). */
    private volatile boolean setupHangs;
    private final java.util.concurrent.CountDownLatch setupSubmitted = new java.util.concurrent.CountDownLatch(1);
    private ScriptedLivy livy;
    private StatementRunner runner;

    @BeforeEach
    void start() throws IOException {
        livy = new ScriptedLivy(r -> {
            String line = r.getMethod() + " " + r.getPath();
            if (line.equals("POST /sessions")) {
                current = nextSession.getAndIncrement();
                return json(201, "{\"id\":" + current + ",\"state\":\"starting\"}");
            }
            String[] parts = r.getPath().split("/");
            int id = parts.length > 2 ? Integer.parseInt(parts[2]) : -1;
            if (reaped.contains(id)) {
                return json(404, "{\"msg\":\"Session '" + id + "' not found.\"}");
            }
            if (r.getMethod().equals("GET") && r.getPath().matches("/sessions/\\d+")) {
                return json(200, "{\"id\":" + id + ",\"state\":\"idle\"}");
            }
            if (line.matches("POST /sessions/\\d+/statements")) {
                try {
                    submitted.add(id + ":" + mapper.readTree(r.getBody().readUtf8()).path("code").asText());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                if (setupHangs && submitted.get(submitted.size() - 1).endsWith(SETUP)) {
                    setupSubmitted.countDown();
                    return json(201, "{\"id\":" + nextStatement.getAndIncrement() + ",\"state\":\"running\"}");
                }
                return json(201, "{\"id\":" + nextStatement.getAndIncrement() + ",\"state\":\"available\","
                        + "\"output\":{\"status\":\"ok\",\"execution_count\":0,\"data\":{\"text/plain\":\"\"}}}");
            }
            if (r.getMethod().equals("GET") && r.getPath().matches("/sessions/\\d+/statements/\\d+")) {
                return json(200, "{\"id\":0,\"state\":\"running\"}");
            }
            if (r.getMethod().equals("DELETE")) {
                return json(200, "{\"msg\":\"deleted\"}");
            }
            return ScriptedLivy.unexpected(r);
        });
        LivyClient client = livy.client(List.of(10L));
        SessionManager sessions = new SessionManager(() -> client, livy.scheduler, Map.of(), 60, Duration.ofSeconds(10));
        runner = new StatementRunner(sessions, () -> client, livy.scheduler, PollingPolicy.DEFAULT, List.of(),
                StatementListener.NONE, true, new SessionCells()).sessionSetup(SETUP);
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private void cell(String code) throws InterruptedException {
        CellResult r = runner.run(code, null, new Quiet(), o -> CellResult.success());
        assertTrue(r.ok(), String.valueOf(r));
    }

    @Test
    void setupRunsBeforeTheFirstStatementOfEachSessionOnly() throws Exception {
        cell("a = 1");
        cell("b = 2");
        assertEquals(List.of("1:" + SETUP, "1:a = 1", "1:b = 2"), submitted);
        reaped.add(1);
        cell("c = 3"); // session 1 is found gone at submit: the cell runs in a new session, set up first
        assertEquals(List.of("1:" + SETUP, "1:a = 1", "1:b = 2", "2:" + SETUP, "2:c = 3"), submitted);
    }

    @Test
    void anInterruptStopsTheWaitForTheSetupAndTheCellDoesNotRun() throws Exception {
        setupHangs = true;
        RequestContext request = RequestContext.detached();
        java.util.concurrent.CompletableFuture<CellResult> result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run("a = 1", null, new Quiet(request), o -> CellResult.success());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(setupSubmitted.await(10, java.util.concurrent.TimeUnit.SECONDS));
        request.interrupt();
        // Well inside the setup's own budget: the interrupt, not the deadline, ended the wait.
        CellResult r = result.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(r.ok());
        assertEquals(List.of("1:" + SETUP), submitted, "the cell's code was not sent");
        setupHangs = false;
        cell("b = 2");
        assertEquals(List.of("1:" + SETUP, "1:" + SETUP, "1:b = 2"), submitted, "the setup is tried again");
    }

    @Test
    void withoutSetupNothingExtraRuns() throws Exception {
        runner.sessionSetup(null);
        cell("a = 1");
        assertEquals(List.of("1:a = 1"), submitted);
    }

    private static final class Quiet implements CellOutput {
        private final RequestContext context;

        Quiet() {
            this(RequestContext.detached());
        }

        Quiet(RequestContext context) {
            this.context = context;
        }

        public RequestContext context() { return context; }
        public void stream(String name, String text) { }
        public void display(Map<String, Object> d, Map<String, Object> m, String id) { }
        public void updateDisplay(Map<String, Object> d, Map<String, Object> m, String id) { }
        public void executeResult(Map<String, Object> d, Map<String, Object> m) { }
        public void clearOutput(boolean wait) { }
    }
}
