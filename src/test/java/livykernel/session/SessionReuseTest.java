package livykernel.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import livykernel.livy.LivyClient;
import livykernel.livy.ScriptedLivy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Livy that restarted without recovery numbers its sessions from 0 again, so the kernel's
 * session id may now be someone else's session: the kernel tells them apart by the name it gave.
 */
class SessionReuseTest {

    private final ObjectMapper mapper = new ObjectMapper();
    /** The name Livy reports for each session id; a test changes one to play Livy's restart. */
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private volatile boolean down;
    private ScriptedLivy livy;

    @BeforeEach
    void start() throws IOException {
        livy = new ScriptedLivy(r -> {
            String line = r.getMethod() + " " + r.getPath();
            if (down) {
                return json(503, "{\"msg\":\"restarting\"}");
            }
            if (line.equals("POST /sessions")) {
                int id = nextId.getAndIncrement();
                try {
                    JsonNode body = mapper.readTree(r.getBody().readUtf8());
                    names.put(id, body.path("name").asText());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return json(201, session(id, "starting"));
            }
            if (r.getMethod().equals("GET") && r.getPath().matches("/sessions/\\d+")) {
                return json(200, session(Integer.parseInt(r.getPath().substring("/sessions/".length())), "idle"));
            }
            if (r.getMethod().equals("DELETE")) {
                return json(200, "{\"msg\":\"deleted\"}");
            }
            return ScriptedLivy.unexpected(r);
        });
    }

    private String session(int id, String state) {
        return "{\"id\":" + id + ",\"name\":\"" + names.get(id) + "\",\"state\":\"" + state + "\"}";
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private SessionManager manager(Map<String, Object> configs, int heartbeatSeconds) {
        LivyClient client = livy.client(List.of(10L));
        return new SessionManager(() -> client, livy.scheduler, configs, heartbeatSeconds, Duration.ofSeconds(10));
    }

    @Test
    void eachSessionGetsANameOfItsOwnUnlessTheConfigurationGivesOne() throws Exception {
        SessionManager m = manager(Map.of(), 0);
        String name = m.ensureSession(StartObserver.NONE, () -> false).name();
        assertTrue(name.matches("livy-kernel-[0-9a-f]{8}"), name);
        assertFalse(m.creationBody().containsKey("name"), "%%info and %%configure compare the body without it");
        SessionManager named = manager(Map.of("name", "nightly-report"), 0);
        assertEquals("nightly-report", named.ensureSession(StartObserver.NONE, () -> false).name());
    }

    @Test
    void aReusedIdFoundByARefreshIsALossAndTheOtherSessionIsLeftAlone() throws Exception {
        SessionManager m = manager(Map.of(), 0);
        m.ensureSession(StartObserver.NONE, () -> false);
        names.put(1, "someone-elses");
        assertNull(m.refresh(null));
        assertNull(m.current());
        Optional<SessionLoss> loss = m.takeUntoldLoss();
        assertEquals(SessionLoss.Kind.ID_REUSED, loss.orElseThrow().kind());
        assertEquals("'someone-elses'", loss.get().evidence());
        m.delete();
        assertFalse(livy.requests.contains("DELETE /sessions/1"), "never delete another user's session");
    }

    @Test
    void afterLivyWasUnreachableTheNextCellChecksTheSessionIsStillTheKernels() throws Exception {
        SessionManager m = manager(Map.of(), 3);   // heartbeat every second
        assertEquals(1, m.ensureSession(StartObserver.NONE, () -> false).id());
        down = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!m.verifyBeforeUse() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(m.verifyBeforeUse(), "the heartbeat met the restarting Livy");
        // Livy is back, numbering from 1 again: someone else's new session has id 1.
        names.put(1, "someone-elses");
        nextId.set(2);
        down = false;
        var s = m.ensureSession(StartObserver.NONE, () -> false);
        assertNotEquals(1, s.id(), "the cell runs in a new session of the kernel's own");
        assertEquals(SessionLoss.Kind.ID_REUSED, m.takeUntoldLoss().orElseThrow().kind());
        assertFalse(livy.requests.contains("DELETE /sessions/1"));
    }
}
