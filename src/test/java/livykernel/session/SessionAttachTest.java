package livykernel.session;

import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import livykernel.livy.ScriptedLivy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** %%attach binds the kernel to a session that is not its own: it runs there and never deletes it. */
class SessionAttachTest {

    /** Session 7 is a colleague's (idle), 8 is dead, every other id up to the next one created is the kernel's. */
    private static final int SHARED = 7;
    private static final int DEAD = 8;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private ScriptedLivy livy;

    @BeforeEach
    void start() throws IOException {
        livy = new ScriptedLivy(r -> {
            String line = r.getMethod() + " " + r.getPath();
            if (line.equals("POST /sessions")) {
                return json(201, "{\"id\":" + nextId.getAndIncrement() + ",\"state\":\"idle\"}");
            }
            if (r.getMethod().equals("GET") && r.getPath().matches("/sessions/\\d+")) {
                int id = Integer.parseInt(r.getPath().substring("/sessions/".length()));
                if (id == DEAD) {
                    return json(200, "{\"id\":8,\"state\":\"dead\"}");
                }
                if (id != SHARED && id >= nextId.get()) {
                    return json(404, "{\"msg\":\"Session '" + id + "' not found.\"}");
                }
                return json(200, "{\"id\":" + id + ",\"state\":\"idle\",\"owner\":\"" + (id == SHARED ? "ana" : "me")
                        + "\"}");
            }
            if (r.getMethod().equals("DELETE")) {
                return json(200, "{\"msg\":\"deleted\"}");
            }
            return ScriptedLivy.unexpected(r);
        });
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private SessionManager manager() {
        LivyClient client = livy.client(List.of(10L));
        return new SessionManager(() -> client, livy.scheduler, Map.of(), 0, Duration.ofSeconds(10));
    }

    @Test
    void anAttachedSessionIsUsedAndNeverDeleted() throws Exception {
        SessionManager m = manager();
        SessionManager.Attachment a = m.attach(SHARED, false);
        assertEquals(SHARED, a.session().id());
        assertNull(a.deletedOwn());
        assertTrue(m.isAttached());
        assertEquals(SHARED, m.ensureSession(StartObserver.NONE, () -> false).id(), "cells run in the attached session");
        m.close();
        assertFalse(livy.requests.contains("DELETE /sessions/" + SHARED), livy.requests.toString());
        assertFalse(livy.requests.contains("POST /sessions"), "no session of the kernel's own was created");
    }

    @Test
    void anOwnSessionInUseIsKeptUnlessForcedAndDetachLeadsToANewOwnSession() throws Exception {
        SessionManager m = manager();
        assertEquals(1, m.ensureSession(StartObserver.NONE, () -> false).id());
        m.statementSubmitted();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> m.attach(SHARED, false));
        assertTrue(refused.getMessage().contains("holds your variables"), refused.getMessage());
        assertFalse(m.isAttached());
        assertEquals(1, m.current().id(), "nothing was changed");

        assertEquals(1, m.attach(SHARED, true).deletedOwn());
        assertTrue(livy.requests.contains("DELETE /sessions/1"));
        m.delete();   // what %%configure -f does: leaves an attached session, never deletes it
        assertFalse(livy.requests.contains("DELETE /sessions/" + SHARED));
        assertFalse(m.isAttached());

        m.attach(SHARED, false);
        assertEquals(SHARED, m.detach().id());
        assertNull(m.detach(), "detached already");
        assertEquals(2, m.ensureSession(StartObserver.NONE, () -> false).id(), "a new session of the kernel's own");
        assertFalse(livy.requests.contains("DELETE /sessions/" + SHARED));
    }

    @Test
    void aPrestartedSessionNoOneUsedGivesWayWithoutForce() throws Exception {
        SessionManager m = manager();
        m.prestart();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (m.current() == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, m.current().id());
        assertEquals(1, m.attach(SHARED, false).deletedOwn());
    }

    @Test
    void aGoneOrMissingSessionIsRefusedAndTheConfiguredOneIsAttachedAtTheFirstCell() throws Exception {
        SessionManager m = manager();
        IllegalStateException dead = assertThrows(IllegalStateException.class, () -> m.attach(DEAD, false));
        assertTrue(dead.getMessage().contains("'dead' and cannot run code"), dead.getMessage());
        assertTrue(assertThrows(LivyException.class, () -> m.attach(50, false)).isNotFound());

        SessionManager configured = manager();
        configured.attachOnFirstUse(SHARED);
        configured.prestart();
        assertEquals(SHARED, configured.ensureSession(StartObserver.NONE, () -> false).id());
        assertTrue(configured.isAttached());
        assertFalse(livy.requests.contains("POST /sessions"), "no pre-start when attaching by configuration");

        SessionManager missing = manager();
        missing.attachOnFirstUse(50);
        SessionStartException e = assertThrows(SessionStartException.class,
                () -> missing.ensureSession(StartObserver.NONE, () -> false));
        assertTrue(e.getMessage().contains("Could not attach to Livy session 50 (attach_session_id)"), e.getMessage());
        assertTrue(e.getMessage().contains("has no such session"), e.getMessage());
    }
}
