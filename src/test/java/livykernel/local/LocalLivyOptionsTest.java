package livykernel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalLivyOptionsTest {
    @Test
    void defaultsWithoutEnvironment() {
        LocalLivyOptions o = LocalLivyOptions.fromEnvironment(Map.of());
        assertEquals("127.0.0.1", o.host());
        assertEquals(0, o.port());
        assertTrue(o.auth());
        assertEquals("python3", o.python());
        assertEquals(Duration.ofHours(1), o.sessionTimeout());
        assertEquals(Duration.ofSeconds(60), o.heartbeatInterval());
        assertEquals(100, o.retainedStatements());
        assertEquals("local[*]", o.sparkMaster());
    }

    @Test
    void sparkMasterFromEnvironmentOrCommandLine() {
        assertEquals("spark://127.0.0.1:7077",
                LocalLivyOptions.fromEnvironment(Map.of("LIVY_KERNEL_SPARK_MASTER", " spark://127.0.0.1:7077 ")).sparkMaster());
        assertEquals("local[*]", LocalLivyOptions.fromEnvironment(Map.of("LIVY_KERNEL_SPARK_MASTER", "")).sparkMaster());
        assertEquals("spark://h:7078", LocalLivyMain.parse(new String[] {"--spark-master", "spark://h:7078"}).sparkMaster());
    }

    @Test
    void environmentChoosesPythonAndTimers() {
        LocalLivyOptions o = LocalLivyOptions.fromEnvironment(Map.of("PYSPARK_PYTHON", "/p/spark",
                "LIVY_LOCAL_SESSION_TIMEOUT", "5s", "LIVY_LOCAL_HEARTBEAT_INTERVAL", "2m"));
        assertEquals("/p/spark", o.python());
        assertEquals(Duration.ofSeconds(5), o.sessionTimeout());
        assertEquals(Duration.ofMinutes(2), o.heartbeatInterval());
        o = LocalLivyOptions.fromEnvironment(Map.of("PYSPARK_PYTHON", "/p/spark", "LIVY_KERNEL_PYTHON", "/p/kernel"));
        assertEquals("/p/kernel", o.python());
    }

    @Test
    void commandLineOverridesDefaults() {
        LocalLivyOptions o = LocalLivyMain.parse(new String[] {"--port", "8998", "--host", "0.0.0.0", "--no-auth",
            "--python", "/x/python", "--session-timeout", "90s", "--heartbeat-interval", "1s"});
        assertEquals(8998, o.port());
        assertEquals("0.0.0.0", o.host());
        assertFalse(o.auth());
        assertEquals("/x/python", o.python());
        assertEquals(Duration.ofSeconds(90), o.sessionTimeout());
        assertEquals(Duration.ofSeconds(1), o.heartbeatInterval());
        assertThrows(IllegalArgumentException.class, () -> LocalLivyMain.parse(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> LocalLivyMain.parse(new String[] {"--port"}));
    }
}
