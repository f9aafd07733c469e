package livykernel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LivyRequestsTest {
    private static LivyRequests.CreateSession create(String json) {
        return LivyRequests.parse(json.getBytes(StandardCharsets.UTF_8), LivyRequests.CreateSession.class);
    }

    private static HttpError error(Runnable r) {
        return assertThrows(HttpError.class, r::run);
    }

    @Test
    void acceptsEveryLivyField() {
        LivyRequests.CreateSession r = create("{\"kind\":\"python\",\"name\":\"s1\",\"conf\":{\"a\":\"b\"},"
                + "\"driverMemory\":\"1g\",\"driverCores\":1,\"executorMemory\":\"1g\",\"executorCores\":1,"
                + "\"numExecutors\":1,\"jars\":[],\"pyFiles\":[],\"files\":[],\"archives\":[],\"queue\":\"q\","
                + "\"proxyUser\":\"u\",\"heartbeatTimeoutInSecond\":60,\"ttl\":\"10m\",\"idleTimeout\":\"5m\"}");
        r.validate();
        assertEquals(SessionKind.PYSPARK, r.sessionKind());
        assertEquals(Duration.ofMinutes(5), r.sessionIdleTimeout());
        assertEquals(Map.of("a", "b"), r.conf());
    }

    @Test
    void emptyBodyIsASharedSessionWithServerDefaults() {
        LivyRequests.CreateSession r = LivyRequests.parse(new byte[0], LivyRequests.CreateSession.class);
        assertEquals(SessionKind.SHARED, r.sessionKind());
        assertNull(r.sessionIdleTimeout());
        assertEquals(Duration.ofMinutes(10), create("{\"ttl\":\"10m\"}").sessionIdleTimeout());
    }

    @Test
    void unknownFieldIsA400BareString() {
        HttpError e = error(() -> create("{\"kind\":\"pyspark\",\"foo\":1}"));
        assertEquals(400, e.status());
        assertTrue(((String) e.body()).startsWith("Unrecognized field \"foo\""), (String) e.body());
        e = error(() -> LivyRequests.parse("{\"kode\":\"1\"}".getBytes(StandardCharsets.UTF_8), LivyRequests.Statement.class));
        assertTrue(((String) e.body()).contains("kode"));
    }

    @Test
    void malformedJsonAndWrongTypesAre400() {
        HttpError e = error(() -> create("{nope"));
        assertEquals(400, e.status());
        assertTrue(((String) e.body()).contains("Unexpected character"));
        assertEquals(400, error(() -> create("{\"driverCores\":\"many\"}")).status());
    }

    @Test
    void livysValidationMessages() {
        assertEquals("Invalid kind: foo", error(() -> create("{\"kind\":\"foo\"}").validate()).body());
        assertEquals(Map.of("msg", "Rejected, Reason: Invalid session name: 123"),
                error(() -> create("{\"name\":\"123\"}").validate()).body());
        assertEquals(Map.of("msg", "Rejected, Reason: Invalid time string: bogus"),
                error(() -> create("{\"ttl\":\"bogus\"}").validate()).body());
        assertEquals(400, error(() -> create("{\"conf\":{\"spark.submit.deployMode\":\"cluster\"}}").validate()).status());
        assertEquals(400, error(() -> create("{\"kind\":\"spark\"}").validate()).status());
    }

    @Test
    void sparkUisOfTheEmbeddedEndpointAcceptNoKillsUnlessTheUserTurnsThemOn() {
        LocalSession plain = new LocalSession(1, create("{\"kind\":\"pyspark\"}"), "u", Duration.ofMinutes(1), 10, "local[*]");
        assertEquals("false", plain.sparkConf().get("spark.ui.killEnabled"));
        LocalSession on = new LocalSession(2, create("{\"kind\":\"pyspark\",\"conf\":{\"spark.ui.killEnabled\":\"true\"}}"),
                "u", Duration.ofMinutes(1), 10, "local[*]");
        assertEquals("true", on.sparkConf().get("spark.ui.killEnabled"));
    }
}
