package livykernel.execution;

import livykernel.kernel.Cell;
import livykernel.kernel.CellResult;
import livykernel.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A session that is gone when a cell meets it: explained from Livy's state and log, and healed when it is safe. */
class SessionLossTest {

    private LosingLivy livy;
    private SessionManager sessions;

    @BeforeEach
    void start() throws IOException {
        livy = new LosingLivy();
        sessions = livy.sessions();
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private static Cell cell(String code) {
        return new Cell(code, 1, false, true);
    }

    @Test
    void aReapedSessionIsExplainedAndTheCellRunsOnceInANewSession() throws Exception {
        LivyCellExecutor ex = LosingLivy.executor(livy.runner(sessions, true));
        assertTrue(ex.execute(cell("x = 41"), new LosingLivy.Recorder()).ok());
        livy.remove(1);
        livy.advanceClock(Duration.ofMinutes(61));

        LosingLivy.Recorder out = new LosingLivy.Recorder();
        CellResult r = ex.execute(cell("print('after')"), out);

        assertTrue(r.ok(), String.valueOf(r));
        assertEquals(2, livy.sessionsCreated(), livy.livy.requests.toString());
        assertEquals(List.of("1:x = 41", "2:print('after')"), livy.submitted, "run once, in the new session");
        assertEquals(2, livy.livy.requests.stream().filter("POST /sessions/1/statements"::equals).count(),
                "the old session was tried once and answered 404");
        assertEquals(2, sessions.current().id());
        String notice = out.stderr();
        assertTrue(notice.contains("The Spark session 1 is gone: Livy ended it after it had been idle for 1 h 1 min"), notice);
        assertTrue(notice.contains("livy.server.session.timeout-check=true in the livy-conf"), notice);
        assertTrue(notice.contains("Starting a new session with the same configuration"), notice);
        assertTrue(notice.contains("variables from before are gone (%%replay re-runs the cell that ran in the lost session)"), notice);
        assertTrue(out.stdout().contains("ran "), out.events.toString());
    }

    @Test
    void aDeadSessionWhoseLogShowsAnOutOfMemoryDriverSaysSo() throws Exception {
        LivyCellExecutor ex = LosingLivy.executor(livy.runner(sessions, true));
        assertTrue(ex.execute(cell("x = 1"), new LosingLivy.Recorder()).ok());
        livy.end(1, "dead", List.of("stderr: ", "26/01/01 INFO SparkContext: Running Spark",
                "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space", "\nYARN Diagnostics: "));

        LosingLivy.Recorder out = new LosingLivy.Recorder();
        assertTrue(ex.execute(cell("y = 2"), out).ok());
        assertTrue(out.stderr().contains("The Spark session 1 is gone: its Spark driver ran out of memory (its log says: "
                + "\"Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\")"), out.stderr());
        assertTrue(out.stderr().contains("driverMemory"), out.stderr());
        assertTrue(livy.livy.requests.stream().anyMatch(q -> q.startsWith("GET /sessions/1/log")), livy.livy.requests.toString());
        assertEquals(List.of("1:x = 1", "2:y = 2"), livy.submitted, "a dead session is refused before the code runs");
    }

    @Test
    void aLossWhileTheStatementRanIsExplainedButNotRunAgain() throws Exception {
        StatementRunner runner = livy.runner(sessions, true);
        LivyCellExecutor ex = LosingLivy.executor(runner);
        assertTrue(ex.execute(cell("x = 1"), new LosingLivy.Recorder()).ok());

        CellResult r = ex.execute(cell("vanish()"), new LosingLivy.Recorder());

        assertFalse(r.ok());
        assertEquals("SessionLost", r.ename());
        assertTrue(r.evalue().startsWith("The Spark session 1 is gone: Livy no longer has it"), r.evalue());
        assertTrue(r.evalue().contains("The cell may have run in part, so it is not run again by itself; the next cell "
                + "starts a new session with an empty namespace (then %%replay re-runs the cell that ran in the lost session)."),
                r.evalue());
        assertEquals(1, livy.sessionsCreated());
        assertEquals(List.of("1:x = 1", "1:vanish()"), livy.submitted);
        assertNull(sessions.current());
        assertEquals(1, runner.cells().replayable());

        LosingLivy.Recorder next = new LosingLivy.Recorder();
        assertTrue(ex.execute(cell("print('next')"), next).ok());
        assertEquals(2, sessions.current().id());
        assertEquals("", next.stderr(), "the loss was told once, by the cell that met it");
    }

    @Test
    void withAutoRecreateOffTheCellFailsWithTheExplanationAndTheNextStartsANewSession() throws Exception {
        LivyCellExecutor ex = LosingLivy.executor(livy.runner(sessions, false));
        assertTrue(ex.execute(cell("x = 1"), new LosingLivy.Recorder()).ok());
        livy.end(1, "killed", List.of("stderr: ", "some line"));

        CellResult r = ex.execute(cell("print(x)"), new LosingLivy.Recorder());

        assertFalse(r.ok());
        assertEquals("SessionLost", r.ename());
        assertEquals("The Spark session 1 is gone: it was killed, by YARN or by a user (Livy reports state 'killed'). "
                + "The cell did not run; the next cell starts a new session with an empty namespace "
                + "(then %%replay re-runs the cell that ran in the lost session).", r.evalue());
        assertEquals(1, livy.sessionsCreated());
        assertEquals(List.of("1:x = 1"), livy.submitted);

        assertTrue(ex.execute(cell("print('hello')"), new LosingLivy.Recorder()).ok());
        assertEquals(List.of("1:x = 1", "2:print('hello')"), livy.submitted);
    }

    @Test
    void aSessionFoundGoneOutsideACellIsToldByTheNextCell() throws Exception {
        LivyCellExecutor ex = LosingLivy.executor(livy.runner(sessions, true));
        assertTrue(ex.execute(cell("x = 1"), new LosingLivy.Recorder()).ok());
        livy.remove(1);
        livy.advanceClock(Duration.ofMinutes(5));
        assertNull(sessions.refresh(null), "%%info or completion found it gone");

        LosingLivy.Recorder out = new LosingLivy.Recorder();
        assertTrue(ex.execute(cell("print('after')"), out).ok());
        assertTrue(out.stderr().contains("The Spark session 1 is gone: Livy ended it after it had been idle for 5 min"), out.stderr());
        assertEquals(List.of("1:x = 1", "2:print('after')"), livy.submitted);
    }

    @Test
    void aFailedCellWhoseSessionDiedSaysWhyAndIsNotRunAgain() throws Exception {
        LivyCellExecutor ex = LosingLivy.executor(livy.runner(sessions, true));
        assertTrue(ex.execute(cell("x = 1"), new LosingLivy.Recorder()).ok());
        livy.advanceClock(Duration.ofHours(2));
        livy.killing.put("big()", List.of("stderr: ",
                "Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used."));

        CellResult r = ex.execute(cell("big()"), new LosingLivy.Recorder());

        assertEquals("SessionLost", r.ename());
        assertTrue(r.evalue().startsWith("The Spark session 1 is gone: its Spark driver ran out of memory (its log says: "
                + "\"Container killed by YARN for exceeding memory limits."), r.evalue());
        assertTrue(r.evalue().contains("The cell's own error was NameError: boom."), r.evalue());
        assertTrue(r.evalue().contains("not run again by itself"), r.evalue());
        assertEquals(1, livy.sessionsCreated());
        assertEquals(List.of("1:x = 1", "1:big()"), livy.submitted);
    }

    @Test
    void aFailedCellInALiveSessionIsJustItsError() throws Exception {
        LivyCellExecutor ex = LosingLivy.executor(livy.runner(sessions, true));
        livy.failing.add("1/0");
        CellResult r = ex.execute(cell("1/0"), new LosingLivy.Recorder());
        assertEquals("NameError", r.ename());
        assertEquals(1, sessions.current().id());
    }
}
