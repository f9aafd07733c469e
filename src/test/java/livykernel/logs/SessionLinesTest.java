package livykernel.logs;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SessionLinesTest {

    static final List<String> LIVY_LOG = List.of(
            "24/01/01 10:00:00 INFO InteractiveSessionManager: Registering new session 3",
            "24/01/01 10:00:00 INFO InteractiveSession$: Creating Interactive session 3: [owner: null, kind: pyspark]",
            "24/01/01 10:00:01 INFO InteractiveSession$: Creating Interactive session 30: [owner: null]",
            "24/01/01 10:00:05 INFO LineBufferedStream: Submitting application application_1700000000000_0007 to ResourceManager",
            "24/01/01 10:00:06 INFO SparkYarnApp: tag livy-session-3-abcd maps to application_1700000000000_0007",
            "24/01/01 10:00:07 INFO InteractiveSession: Interactive session 3 created [appid: application_1700000000000_0007, state: starting]",
            "24/01/01 10:00:08 INFO InteractiveSession: Interactive session 30 created [appid: application_1700000000000_0008]",
            "24/01/01 11:00:00 INFO InteractiveSessionManager: Deleting InteractiveSession 3 because it was inactive");

    @Test
    void theSessionsLinesAreThoseNamingItOrItsApplication() {
        List<String> mine = SessionLines.of(LIVY_LOG, 3, "application_1700000000000_0007");
        assertEquals(List.of(LIVY_LOG.get(0), LIVY_LOG.get(1), LIVY_LOG.get(3), LIVY_LOG.get(4), LIVY_LOG.get(5), LIVY_LOG.get(7)), mine);
        assertEquals(List.of(LIVY_LOG.get(2), LIVY_LOG.get(6)), SessionLines.of(LIVY_LOG, 30, null));
    }

    @Test
    void theApplicationIdComesFromALineAboutTheSession() {
        assertEquals("application_1700000000000_0007", SessionLines.appId(LIVY_LOG, 3));
        assertEquals("application_1700000000000_0008", SessionLines.appId(LIVY_LOG, 30));
        assertNull(SessionLines.appId(LIVY_LOG, 4));
    }
}
