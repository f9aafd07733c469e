package livykernel.execution;

import livykernel.display.OutputMapper;
import livykernel.kernel.Cell;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.kernel.RequestContext;
import livykernel.livy.LivyClient;
import livykernel.livy.PollingPolicy;
import livykernel.livy.ScriptedLivy;
import livykernel.session.SessionManager;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.*;

/**
 * How many requests following a statement costs: a strict Apache Livy (which never advertises
 * held GETs and answers 400 to a parameter it does not know) gets plain polls at a bounded rate;
 * an endpoint that advertises them gets one held GET per state change, and an interrupt ends a
 * held GET at once.
 */
class StatementPollingTest {

    private static final String WAIT = LivyClient.WAIT_HEADER;
    private ScriptedLivy livy;
    private volatile long statementEndsAtNanos;
    private volatile boolean cancelled;
    /** Held GETs the endpoint is holding now, and whether a cancel came while one was held. */
    private final java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean cancelWhileHeld;
    /** Released when the test ends, so a held GET the client abandoned lets the server stop. */
    private final CountDownLatch released = new CountDownLatch(1);

    @AfterEach
    void stop() throws IOException {
        released.countDown();
        if (livy != null) {
            livy.close();
        }
    }

    /** A Livy whose one statement runs for {@code runMillis} of wall time; {@code holds}: ours. */
    private void start(long runMillis, boolean holds) throws IOException {
        livy = new ScriptedLivy(r -> {
            MockResponse answer = answer(r, runMillis, holds);
            return holds ? answer.setHeader(WAIT, "60000") : answer;
        });
    }

    private MockResponse answer(RecordedRequest r, long runMillis, boolean holds) {
        String line = r.getMethod() + " " + r.getPath();
        if (!holds && r.getRequestUrl().querySize() > 0) {
            return json(400, "{\"msg\":\"unknown parameter in " + r.getPath() + "\"}");
        }
        if (line.equals("POST /sessions")) {
            return json(201, "{\"id\":1,\"name\":\"n\",\"state\":\"idle\"}");
        }
        if (line.equals("GET /sessions/1")) {
            return json(200, "{\"id\":1,\"state\":\"idle\",\"appId\":\"local-1\",\"appInfo\":{\"sparkUiUrl\":\"http://x\"}}");
        }
        if (line.equals("POST /sessions/1/statements")) {
            statementEndsAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runMillis);
            return json(201, "{\"id\":0,\"state\":\"running\",\"output\":null}");
        }
        if (line.equals("POST /sessions/1/statements/0/cancel")) {
            cancelWhileHeld = holding.get() > 0;
            cancelled = true;
            return json(200, "{\"msg\":\"canceled\"}");
        }
        if (r.getMethod().equals("GET") && r.getPath().startsWith("/sessions/1/statements/0")) {
            String wait = r.getRequestUrl().queryParameter(LivyClient.WAIT_PARAM);
            if (wait != null) {
                hold(Long.parseLong(wait));
            }
            if (cancelled) {
                return json(200, "{\"id\":0,\"state\":\"cancelled\",\"output\":null}");
            }
            if (System.nanoTime() < statementEndsAtNanos) {
                return json(200, "{\"id\":0,\"state\":\"running\",\"progress\":0.0}");
            }
            return json(200, "{\"id\":0,\"state\":\"available\",\"output\":{\"status\":\"ok\",\"execution_count\":0,"
                    + "\"data\":{\"text/plain\":\"done\"}}}");
        }
        if (r.getMethod().equals("DELETE")) {
            return json(200, "{\"msg\":\"deleted\"}");
        }
        return ScriptedLivy.unexpected(r);
    }

    /** As our endpoint: until the statement ends, it is cancelled, or the wait passes. */
    private void hold(long waitMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        holding.incrementAndGet();
        try {
            while (!cancelled && System.nanoTime() < Math.min(deadline, statementEndsAtNanos)) {
                if (released.await(2, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            holding.decrementAndGet();
        }
    }

    private LivyCellExecutor executor() {
        LivyClient client = livy.client(List.of(10L));
        SessionManager sessions = new SessionManager(() -> client, livy.scheduler, Map.of(), 0, Duration.ofSeconds(10));
        StatementRunner runner = new StatementRunner(sessions, () -> client, livy.scheduler, PollingPolicy.DEFAULT,
                List.of(), StatementListener.NONE, true, new SessionCells());
        return new LivyCellExecutor(runner, new OutputMapper());
    }

    private long statementGets() {
        return livy.requests.stream().filter(s -> s.startsWith("GET /sessions/1/statements/0")).count();
    }

    @Test
    void aStrictLivyGetsPlainPollsAtABoundedRate() throws Exception {
        start(6000, false);
        Recording out = new Recording();
        CellResult r = executor().execute(new Cell("import time; time.sleep(6)", 1, false, true), out);
        assertTrue(r.ok(), r + " " + out.events);
        assertTrue(livy.requests.stream().noneMatch(s -> s.contains(LivyClient.WAIT_PARAM)), livy.requests.toString());
        // DEFAULT over 6 s: 25 ms polls, then 10 % of the elapsed time, after 1 s 5 % but at least 334 ms.
        // Before this schedule the same statement cost 75 polls.
        long gets = statementGets();
        assertTrue(gets <= 46, gets + " statement polls for a 6 s statement: " + livy.requests);
        assertTrue(gets >= 10, "polled too little to have seen the statement end promptly: " + gets);
    }

    @Test
    void anEndpointThatAdvertisesHeldGetsGetsAboutTwoRequestsPerCell() throws Exception {
        start(1500, true);
        LivyCellExecutor ex = executor();
        Recording first = new Recording();
        assertTrue(ex.execute(new Cell("1", 1, false, true), first).ok(), first.events.toString());
        int before = livy.requests.size();
        Recording out = new Recording();
        CellResult r = ex.execute(new Cell("import time; time.sleep(1.5)", 2, false, true), out);
        assertTrue(r.ok(), r + " " + out.events);
        List<String> cell = livy.requests.subList(before, livy.requests.size());
        assertEquals("POST /sessions/1/statements", cell.get(0), cell.toString());
        assertTrue(cell.size() <= 3, "a 1.5 s cell cost " + cell);
        assertTrue(cell.stream().skip(1).allMatch(s -> s.contains(LivyClient.WAIT_PARAM + "=")), cell.toString());
        assertEquals("stdout:done\n", out.events.get(out.events.size() - 1));
    }

    @Test
    void anInterruptEndsAHeldGetAndCancelsTheStatement() throws Exception {
        start(3_600_000, true);
        LivyCellExecutor ex = executor();
        Recording out = new Recording();
        Thread interrupter = new Thread(() -> {
            try {
                // Wait on the condition: the held GET has reached the endpoint.
                while (livy.requests.stream().noneMatch(s -> s.contains(LivyClient.WAIT_PARAM))) {
                    Thread.sleep(5);
                }
                out.context().interrupt();
            } catch (InterruptedException ignored) {
                // the test ended
            }
        });
        interrupter.start();
        CellResult r = ex.execute(new Cell("import time; time.sleep(3600)", 1, false, true), out);
        interrupter.join();
        assertFalse(r.ok());
        assertTrue(cancelled, "the statement was cancelled: " + livy.requests);
        // The client gave up its held GET instead of waiting for the endpoint to answer it.
        assertTrue(cancelWhileHeld, "the cancel came only after the held GET was answered: " + livy.requests);
        assertTrue(String.valueOf(r).contains("cancelled") || out.events.toString().contains("cancelled"),
                r + " " + out.events);
    }

    private static final class Recording implements CellOutput {
        final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        final RequestContext context = RequestContext.detached();
        public void stream(String name, String text) { events.add(name + ":" + text); }
        public void display(Map<String, Object> d, Map<String, Object> m, String id) { events.add("display"); }
        public void updateDisplay(Map<String, Object> d, Map<String, Object> m, String id) { events.add("update"); }
        public void executeResult(Map<String, Object> d, Map<String, Object> m) { events.add("result"); }
        public void clearOutput(boolean wait) { }
        public RequestContext context() { return context; }
    }
}
