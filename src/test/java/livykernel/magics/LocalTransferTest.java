package livykernel.magics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalTransferTest {

    private final MagicRegistry registry = Fixtures.registry();

    private SqlMagic.Options sql(String line) {
        return SqlMagic.options(MagicArgs.parse(registry.find("sql").orElseThrow(), line));
    }

    @Test
    void dashOTakesTheRowFlagsAndCoerce() {
        LocalTransfer.Request r = sql("-o counts -n 100 -m sample -r 0.5 -c false").output();
        assertEquals(new LocalTransfer.Request("counts", 100, true, 0.5, false), r);
        assertEquals(new LocalTransfer.Request("df", 2500, false, 0.1, true), sql("--output df").output());
        assertNull(sql("-n 5").output());
    }

    @Test
    void badOutputFlagsAreUsageErrors() {
        assertTrue(assertThrows(MagicUsageException.class, () -> sql("-o 1df")).getMessage().contains("variable name"));
        assertTrue(assertThrows(MagicUsageException.class, () -> sql("-o df -c maybe")).getMessage().contains("true or false"));
        assertTrue(assertThrows(MagicUsageException.class, () -> sql("-c true")).getMessage().contains("only applies with -o"));
    }

    @Test
    void theSummarySaysHowManyRowsCameAndWhenTheCapCut() {
        LocalTransfer.Request r = new LocalTransfer.Request("df", 2500, false, 0.1, true);
        assertEquals("Brought 2500 rows into the local pandas DataFrame df. The result has more rows: -n 2500 cut them "
                + "(use -n -1 for all).", LocalTransfer.summary(r, 2500, true));
        assertEquals("Brought 1 row into the local pandas DataFrame df.", LocalTransfer.summary(r, 1, false));
    }

    @Test
    void aLocalPythonThatCannotStartFailsTheCellBeforeAnySparkWork() throws Exception {
        MagicContext base = Fixtures.context(Fixtures.sessions(java.util.Map.of()),
                new livykernel.progress.ProgressSettings(livykernel.progress.ProgressMode.ON));
        MagicContext ctx = new MagicContext(base.sessions(), base.runner(), base.livy(), base.config(), base.endpoint(),
                base.progress(), new livykernel.localpy.LocalPython("/no/such/python3", LocalPythons.CONFIG_KEY));
        CellRouter router = new CellRouter(base.livy(), MagicRegistry.standard(ctx));
        for (String cell : List.of("%%sql -o df\nSELECT 1", "%%spark -o df\ndf = spark.range(1)", "%%local\n1",
                "%%send_to_spark -i df")) {
            // The fixture's Livy throws if touched: the error must be the local Python's, said in one sentence.
            livykernel.kernel.CellResult r = router.execute(new livykernel.kernel.Cell(cell, 1, false, true), new Fixtures.Recorder());
            assertEquals("LocalPythonError", r.ename(), cell + ": " + r.evalue());
            assertTrue(r.evalue().contains("/no/such/python3") && r.evalue().contains("local_kernel_python"), r.evalue());
        }
    }

    @Test
    void chunkTextParsing() {
        assertEquals(List.of("{\"a\":1}", "{\"a\":2}"),
                SessionPython.parseRows("user print\n\n" + SessionPython.ROWS_MARKER + "2\n{\"a\":1}\n{\"a\":2}"));
        assertEquals(List.of(), SessionPython.parseRows(SessionPython.ROWS_MARKER + "0\n"));
        assertNull(SessionPython.parseRows(SessionPython.ROWS_MARKER + "3\n{\"a\":1}"), "a short chunk is refused");
        assertNull(SessionPython.parseRows("no marker"));
        assertEquals("\"a\\\"b\\\\c\\n\"", LocalTransfer.py("a\"b\\c\n"));
    }
}
