package livykernel.magics;

import livykernel.execution.LivyCellExecutor;
import livykernel.execution.LosingLivy;
import livykernel.execution.StatementRunner;
import livykernel.kernel.Cell;
import livykernel.kernel.CellResult;
import livykernel.progress.ProgressMode;
import livykernel.progress.ProgressSettings;
import livykernel.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** %%replay re-runs the cells of a lost session in order, stops at the first error, and lists them first. */
class ReplayMagicTest {

    private LosingLivy livy;
    private SessionManager sessions;
    private CellRouter router;

    @BeforeEach
    void start() throws IOException {
        livy = new LosingLivy();
        sessions = livy.sessions();
        StatementRunner runner = livy.runner(sessions, true);
        LivyCellExecutor executor = LosingLivy.executor(runner);
        MagicContext ctx = new MagicContext(sessions, runner, executor, Fixtures.config(Map.of()), () -> "scripted",
                new ProgressSettings(ProgressMode.OFF));
        router = new CellRouter(executor, MagicRegistry.standard(ctx));
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private CellResult run(String code, LosingLivy.Recorder out) throws InterruptedException {
        return router.execute(new Cell(code, 1, false, true), out);
    }

    private CellResult run(String code) throws InterruptedException {
        return run(code, new LosingLivy.Recorder());
    }

    /** Three cells ran ok in session 1 (and one failed, one was %%help), then Livy reaped it. */
    private void loseAfterThreeCells() throws InterruptedException {
        livy.failing.add("1/0");
        assertTrue(run("x = 41").ok());
        assertFalse(run("1/0").ok());
        assertTrue(run("%%help").ok());
        assertTrue(run("%%spark\ny = x + 1").ok());
        assertTrue(run("def f():\n    return y\n").ok());
        livy.remove(1);
        livy.advanceClock(Duration.ofMinutes(90));
        assertTrue(run("print('after')").ok());
        assertEquals(2, sessions.current().id());
    }

    @Test
    void replayListsAndReRunsTheLostCellsInOrderInTheNewSession() throws Exception {
        loseAfterThreeCells();
        LosingLivy.Recorder out = new LosingLivy.Recorder();

        CellResult r = run("%%replay", out);

        assertTrue(r.ok(), String.valueOf(r));
        assertEquals("Replaying 3 cells that ran in the lost session 1:\n"
                + "  1. x = 41\n  2. y = x + 1\n  3. def f(): …\n", out.events.get(0).substring("stdout:".length()));
        assertEquals(List.of("1:x = 41", "1:1/0", "1:y = x + 1", "1:def f():\n    return y\n", "2:print('after')",
                "2:x = 41", "2:y = x + 1", "2:def f():\n    return y\n"), livy.submitted);
        assertTrue(out.stdout().endsWith("Replayed 3 cells in session 2.\n"), out.stdout());
        assertFalse(out.stdout().matches("(?s).*ran \\d.*"), "replayed cells do not print their outputs again: " + out.events);

        LosingLivy.Recorder again = new LosingLivy.Recorder();
        assertTrue(run("%%replay", again).ok());
        assertTrue(again.stdout().startsWith("There is nothing to replay"), again.stdout());
        assertEquals(8, livy.submitted.size());
    }

    @Test
    void replayStopsAtTheFirstError() throws Exception {
        loseAfterThreeCells();
        livy.failing.add("y = x + 1");
        LosingLivy.Recorder out = new LosingLivy.Recorder();

        CellResult r = run("%%replay", out);

        assertFalse(r.ok());
        assertEquals("NameError", r.ename());
        assertEquals(List.of("2:print('after')", "2:x = 41", "2:y = x + 1"), livy.submitted.subList(4, livy.submitted.size()));
        assertTrue(out.stderr().contains("%%replay stopped at cell 2 of 3; the cells after it were not run."), out.stderr());
    }

    @Test
    void dryRunOnlyLists() throws Exception {
        loseAfterThreeCells();
        int before = livy.livy.requests.size();
        LosingLivy.Recorder out = new LosingLivy.Recorder();

        assertTrue(run("%%replay -n", out).ok());

        assertTrue(out.stdout().startsWith("%%replay would run 3 cells that ran in the lost session 1:\n  1. x = 41\n"), out.stdout());
        assertEquals(before, livy.livy.requests.size(), "a dry run asks Livy nothing");
        assertTrue(run("%%replay --dry-run").ok());
    }

    @Test
    void withoutALostSessionThereIsNothingToReplay() throws Exception {
        assertTrue(run("x = 1").ok());
        LosingLivy.Recorder out = new LosingLivy.Recorder();
        assertTrue(run("%%replay", out).ok());
        assertEquals("There is nothing to replay: no session of this kernel was lost after running cells "
                + "(or its cells were replayed already).\n", out.stdout());
        assertEquals(List.of("1:x = 1"), livy.submitted);
    }

    @Test
    void helpListsReplay() throws Exception {
        assertTrue(router.registry().names().contains("replay"));
        LosingLivy.Recorder out = new LosingLivy.Recorder();
        run("%%help", out);
        assertTrue(String.join("", out.events).contains("replay"), out.events.toString());
    }
}
