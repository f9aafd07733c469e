package livykernel.magics;

import livykernel.kernel.Cell;
import livykernel.kernel.CellResult;
import livykernel.progress.ProgressMode;
import livykernel.progress.ProgressSettings;
import livykernel.session.SessionManager;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigureMagicTest {

    @Test
    void nestedConfMergesKeyByKey() {
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("driverMemory", "1g");
        current.put("conf", Map.of("spark.a", "1", "spark.b", "2"));
        Map<String, Object> update = ConfigureMagic.parse("{\"executorMemory\": \"4g\", \"conf\": {\"spark.b\": \"20\", \"spark.c\": \"3\"}}");
        Map<String, Object> merged = ConfigureMagic.merge(current, update);
        assertEquals("1g", merged.get("driverMemory"));
        assertEquals("4g", merged.get("executorMemory"));
        assertEquals(Map.of("spark.a", "1", "spark.b", "20", "spark.c", "3"), merged.get("conf"));
    }

    @Test
    void kindIsTheKernelsBusiness() {
        assertFalse(ConfigureMagic.merge(Map.of(), ConfigureMagic.parse("{\"kind\": \"pyspark\"}")).containsKey("kind"));
        assertTrue(assertThrows(MagicUsageException.class, () -> ConfigureMagic.parse("{\"kind\": \"spark\"}"))
                .getMessage().contains("PySpark sessions only"));
    }

    @Test
    void badJsonPointsAtLineAndColumn() {
        MagicUsageException e = assertThrows(MagicUsageException.class,
                () -> ConfigureMagic.parse("{\n  \"driverMemory\": \"2g\"\n  \"executorMemory\": \"2g\"\n}"));
        assertEquals("JSONDecodeError", e.ename());
        assertTrue(e.getMessage().contains("line 3, column 3"), e.getMessage());
        assertTrue(e.getMessage().contains("line 4 of the cell"), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was changed"), e.getMessage());
        assertThrows(MagicUsageException.class, () -> ConfigureMagic.parse("[1, 2]"));
        assertThrows(MagicUsageException.class, () -> ConfigureMagic.parse("{\"a\": 1} trailing"));
    }

    @Test
    void unknownFieldsAndWrongTypesAreNamed() {
        MagicUsageException e = assertThrows(MagicUsageException.class, () -> ConfigureMagic.parse("{\"executorMemoy\": \"2g\"}"));
        assertTrue(e.getMessage().contains("'executorMemoy' is not a Livy session field"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'executorMemory'"), e.getMessage());
        assertTrue(assertThrows(MagicUsageException.class, () -> ConfigureMagic.parse("{\"conf\": \"x\"}"))
                .getMessage().contains("must be an object"));
        assertTrue(assertThrows(MagicUsageException.class, () -> ConfigureMagic.parse("{\"numExecutors\": \"two\"}"))
                .getMessage().contains("whole number"));
        assertTrue(assertThrows(MagicUsageException.class, () -> ConfigureMagic.parse("{\"jars\": \"a.jar\"}"))
                .getMessage().contains("list of strings"));
        assertTrue(assertThrows(MagicUsageException.class, () -> ConfigureMagic.parse("{\"name\": \"123\"}"))
                .getMessage().contains("all digits"));
    }

    @Test
    void beforeTheSessionItOnlySetsTheConfiguration() throws Exception {
        SessionManager sessions = Fixtures.sessions(Map.of("conf", Map.of("spark.a", "1")));
        MagicRegistry r = MagicRegistry.standard(Fixtures.context(sessions, new ProgressSettings(ProgressMode.ON)));
        CellRouter router = new CellRouter(new livykernel.kernel.CellExecutor() {
            public CellResult execute(Cell cell, livykernel.kernel.CellOutput out) {
                throw new AssertionError("no statement expected");
            }

            public void shutdown(boolean restart) {
            }
        }, r);
        Fixtures.Recorder out = new Fixtures.Recorder();
        CellResult ok = router.execute(new Cell("%%configure\n{\"conf\": {\"spark.b\": \"2\"}}", 1, false, true), out);
        assertTrue(ok.ok(), ok.toString());
        assertEquals(Map.of("spark.a", "1", "spark.b", "2"), sessions.sessionConfigs().get("conf"));
        CellResult bad = router.execute(new Cell("%%configure\n{\"conf\": {\"spark.c\": }}", 2, false, true), out);
        assertFalse(bad.ok());
        assertEquals("JSONDecodeError", bad.ename());
        assertEquals(Map.of("spark.a", "1", "spark.b", "2"), sessions.sessionConfigs().get("conf"));
    }
}
