package livykernel.magics;

import livykernel.kernel.Cell;
import livykernel.kernel.CellExecutor;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterAndHelpTest {

    /** Records the cells that reach the Livy session. */
    private static final class Livy implements CellExecutor {
        final List<String> ran = new ArrayList<>();

        @Override
        public CellResult execute(Cell cell, CellOutput out) {
            ran.add(cell.code());
            return CellResult.success();
        }

        @Override
        public void shutdown(boolean restart) {
        }
    }

    private final Livy livy = new Livy();
    private final CellRouter router = new CellRouter(livy, Fixtures.registry());
    private final Fixtures.Recorder out = new Fixtures.Recorder();

    private CellResult run(String code) throws InterruptedException {
        return router.execute(new Cell(code, 1, false, true), out);
    }

    @Test
    void codeAndLivysOwnMagicsGoToTheSession() throws Exception {
        assertTrue(run("x = 1\nx").ok());
        assertTrue(run("%json d").ok());
        assertTrue(run("%table rows").ok());
        assertTrue(run("%matplot plt").ok());
        assertTrue(run("d = {'a': 1}\n%json d").ok());
        assertEquals(List.of("x = 1\nx", "%json d", "%table rows", "%matplot plt", "d = {'a': 1}\n%json d"), livy.ran);
    }

    @Test
    void unknownMagicNamesCloseMatches() throws Exception {
        CellResult r = run("%%infoo");
        assertFalse(r.ok());
        assertEquals("UnknownMagic", r.ename());
        assertTrue(r.evalue().contains("Did you mean %%info?"), r.evalue());
        assertTrue(run("%%confgure\n{}").evalue().contains("%%configure"));
        assertTrue(run("%jsn d").evalue().contains("%json"));
        CellResult none = run("%%frobnicate");
        assertFalse(none.evalue().contains("Did you mean"), none.evalue());
        assertTrue(none.evalue().contains("%%help"));
        assertTrue(livy.ran.isEmpty());
    }

    @Test
    void closeMatches() {
        List<String> known = List.of("info", "logs", "configure", "sql", "cleanup", "delete", "help", "pretty");
        assertEquals(List.of("configure"), CloseMatches.of("config", known, 3));
        assertEquals(List.of("logs"), CloseMatches.of("log", known, 3));
        assertEquals(List.of("sql"), CloseMatches.of("sqll", known, 3));
        assertEquals(List.of("delete"), CloseMatches.of("dleete", known, 3));
        assertEquals(List.of(), CloseMatches.of("zzz", known, 3));
        assertEquals(1, CloseMatches.distance("ab", "ba"));
    }

    @Test
    void sendToSparkChecksItsFlagsBeforeTouchingAnything() throws Exception {
        for (String cell : List.of("%%send_to_spark", "%%send_to_spark -i df -t list", "%%send_to_spark -i 'a b'")) {
            CellResult r = run(cell);
            assertFalse(r.ok(), cell);
            assertTrue(r.evalue().contains("%%send_to_spark"), r.evalue());
        }
        assertTrue(livy.ran.isEmpty());
    }

    @Test
    void whatEscapesACellIsPresentedByTheErrorFactory() {
        CellResult bug = router.failed(new IllegalStateException("kaput"));
        assertEquals("IllegalStateException", bug.ename());
        assertEquals(List.of("IllegalStateException: kaput"), bug.traceback());
        CellResult stopped = router.failed(new InterruptedException());
        assertEquals("KeyboardInterrupt", stopped.ename());
        assertFalse(stopped.traceback().isEmpty());
    }

    @Test
    void bodyRulesAndSparkPassThrough() throws Exception {
        CellResult r = run("%%info\nsomething");
        assertFalse(r.ok());
        assertTrue(r.evalue().contains("takes no cell body"), r.evalue());
        assertTrue(run("%%pretty").evalue().contains("%%pretty df"));
        assertEquals("%%pretty: -m only applies with -o VAR.", run("%%pretty -m sample df").evalue());
        assertEquals("%%pretty: -c only applies with -o VAR.", run("%%pretty -c false df").evalue());
        assertEquals("%%pretty: -o needs a Python variable name, not '1x'.", run("%%pretty -o 1x df").evalue());
        CellResult empty = run("%%sql");
        assertTrue(empty.evalue().contains("needs a cell body"), empty.evalue());
        assertTrue(livy.ran.isEmpty());
        assertEquals("UsageError: " + r.evalue(), r.traceback().get(0));
    }

    @Test
    void helpListsEveryMagicAndFlagFromTheRegistry() throws Exception {
        assertTrue(run("%%help").ok());
        Map<String, Object> bundle = out.displays.get(0);
        String html = (String) bundle.get("text/html");
        String text = (String) bundle.get("text/plain");
        MagicRegistry registry = router.registry();
        for (Magic m : registry.all()) {
            assertTrue(html.contains("<code>%%" + m.name() + "</code>"), m.name());
            assertTrue(text.contains("%%" + m.name() + "  " + m.summary()), m.name());
            for (Flag f : m.flags()) {
                assertTrue(html.contains(livykernel.display.TableRenderer.escape(f.usage())), f.usage());
                assertTrue(text.contains(f.usage() + "  " + f.help()), f.usage());
            }
        }
        for (String livyMagic : List.of("%json", "%table", "%matplot")) {
            assertTrue(text.contains(livyMagic), livyMagic);
        }
        assertTrue(text.contains("display(obj, ...)") && html.contains("displayHTML(html)"), "the session's helpers");
        assertTrue(registry.names().containsAll(List.of("info", "logs", "configure", "sql", "help", "cleanup",
                "delete", "pretty", "local", "send_to_spark", "progress", "spark")));
    }
}
