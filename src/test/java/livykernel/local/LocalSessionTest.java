package livykernel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalSessionTest {
    private static LocalSession session(String json, String defaultMaster) {
        LivyRequests.CreateSession r = LivyRequests.parse(json.getBytes(StandardCharsets.UTF_8),
                LivyRequests.CreateSession.class);
        return new LocalSession(0, r, "livy", Duration.ofHours(1), 100, defaultMaster);
    }

    @Test
    void theEndpointsMasterIsTheDefaultAndARequestsConfWins() {
        assertEquals("spark://127.0.0.1:7077",
                session("{\"kind\":\"pyspark\"}", "spark://127.0.0.1:7077").sparkConf().get("spark.master"));
        assertEquals("local[2]", session("{\"conf\":{\"spark.master\":\"local[2]\"}}", "spark://127.0.0.1:7077")
                .sparkConf().get("spark.master"));
    }

    @Test
    void livyFieldsBecomeSparkKeys() {
        var conf = session("{\"executorMemory\":\"512m\",\"executorCores\":1,\"numExecutors\":2}", "local[*]").sparkConf();
        assertEquals("512m", conf.get("spark.executor.memory"));
        assertEquals("1", conf.get("spark.executor.cores"));
        assertEquals("2", conf.get("spark.executor.instances"));
    }
}
