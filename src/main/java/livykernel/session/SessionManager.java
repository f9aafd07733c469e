package livykernel.session;

import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import livykernel.livy.Poller;
import livykernel.livy.PollingPolicy;
import livykernel.livy.Session;
import livykernel.livy.SessionList;
import livykernel.livy.SessionLog;
import livykernel.logs.LivyLogSource;
import livykernel.logs.LogSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Owns the kernel's one Livy session and everything the kernel asks Livy about sessions:
 * creates it when the first cell needs it and waits until it is ready, keeps Livy's heartbeat
 * fed, decides from Livy's state when it is gone (and forgets it), deletes it on shutdown, and
 * lists, deletes and reads the logs of sessions for the magics.
 */
public final class SessionManager {

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    private static final int LOG_TAIL_LINES = 20;
    /** GET /sessions pages at 100; a busy shared cluster can have more, but not without bound. */
    private static final int LIST_PAGE = 100;
    private static final int LIST_MAX = 10_000;

    private final Supplier<LivyClient> clientSupplier;
    private final ScheduledExecutorService scheduler;
    private final Poller poller;
    private final LogSource logs;
    private final int heartbeatTimeoutSeconds;
    private final Duration startupTimeout;
    private volatile Map<String, Object> sessionConfigs;

    private volatile Session session;
    private volatile ScheduledFuture<?> heartbeat;

    /** {@code scheduler} runs the heartbeat and the polls of a starting session. */
    public SessionManager(Supplier<LivyClient> clientSupplier, ScheduledExecutorService scheduler,
                          Map<String, Object> sessionConfigs, int heartbeatTimeoutSeconds, Duration startupTimeout) {
        this(clientSupplier, scheduler, new LivyLogSource(clientSupplier), sessionConfigs, heartbeatTimeoutSeconds,
                startupTimeout);
    }

    public SessionManager(Supplier<LivyClient> clientSupplier, ScheduledExecutorService scheduler, LogSource logs,
                          Map<String, Object> sessionConfigs, int heartbeatTimeoutSeconds, Duration startupTimeout) {
        this.clientSupplier = clientSupplier;
        this.scheduler = scheduler;
        this.poller = new Poller(scheduler);
        this.logs = logs;
        this.sessionConfigs = Map.copyOf(sessionConfigs);
        this.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds;
        this.startupTimeout = startupTimeout;
    }

    /** The session this kernel holds, or null before the first cell (or after it was lost). */
    public Session current() {
        return session;
    }

    public Map<String, Object> sessionConfigs() {
        return sessionConfigs;
    }

    public void setSessionConfigs(Map<String, Object> configs) {
        this.sessionConfigs = Map.copyOf(configs);
    }

    /** The POST /sessions body: the configured session settings plus what the kernel needs. */
    public Map<String, Object> creationBody() {
        Map<String, Object> body = new LinkedHashMap<>(sessionConfigs);
        body.put("kind", "pyspark");
        if (heartbeatTimeoutSeconds > 0) {
            body.putIfAbsent("heartbeatTimeoutInSecond", heartbeatTimeoutSeconds);
        }
        return body;
    }

    /**
     * Returns a ready session, creating it if needed. {@code cancelled} is checked while waiting,
     * so an interrupt stops the wait (the session keeps starting and serves the next cell).
     */
    public synchronized Session ensureSession(StartObserver observer, BooleanSupplier cancelled)
            throws SessionStartException, InterruptedException {
        LivyClient client = client();
        if (session == null) {
            Session created;
            try {
                created = client.createSession(creationBody());
            } catch (LivyException e) {
                throw new SessionStartException("Could not create a Spark session on Livy at " + client.url()
                        + ": " + e.getMessage());
            }
            session = created;
            startHeartbeat(created.id());
            LOG.info("created Livy session {}", created.id());
        }
        if (session.isReady()) {
            return session;
        }
        return awaitReady(client, observer, cancelled);
    }

    /** What one poll of a starting session concluded. */
    private sealed interface StartPoll {
        record Ready(Session session) implements StartPoll {
        }

        record Failed(SessionStartException error) implements StartPoll {
        }

        record Cancelled() implements StartPoll {
        }
    }

    private Session awaitReady(LivyClient client, StartObserver observer, BooleanSupplier cancelled)
            throws SessionStartException, InterruptedException {
        long deadlineMillis = startupTimeout.toMillis();
        String[] shownState = {session.state()};
        tell(() -> observer.starting(session));
        Poller.Following<StartPoll> following = poller.follow(PollingPolicy.SESSION_START, elapsed -> {
            Session s;
            try {
                s = client.getSession(session.id());
            } catch (LivyException e) {
                if (e.isNotFound()) {
                    forget();
                    return new StartPoll.Failed(new SessionStartException("The Spark session disappeared from Livy "
                            + "while starting (" + e.getMessage() + "). Run the cell again to start a new one."));
                }
                return new StartPoll.Failed(new SessionStartException(
                        "Lost contact with Livy while the Spark session was starting: " + e.getMessage()));
            }
            session = s;
            if (s.isReady()) {
                tell(() -> observer.ready(s, Duration.ofMillis(elapsed)));
                return new StartPoll.Ready(s);
            }
            if (s.isFinished()) {
                String tail = String.join("\n", logs.tail(s.id(), LOG_TAIL_LINES)).strip();
                forget();
                tell(() -> observer.failed(s));
                return new StartPoll.Failed(new SessionStartException("The Spark session " + s.id()
                        + " failed to start: Livy reports state '" + s.state() + "'."
                        + (tail.isEmpty() ? "" : " Last lines of its log:\n" + tail)
                        + "\nFix the cause (see the log above, or %%configure), then run the cell again."));
            }
            if (!s.state().equals(shownState[0])) {
                shownState[0] = s.state();
                tell(() -> observer.stateChanged(s));
            }
            if (cancelled.getAsBoolean()) {
                return new StartPoll.Cancelled();
            }
            if (elapsed > deadlineMillis) {
                return new StartPoll.Failed(new SessionStartException("The Spark session " + s.id()
                        + " did not become ready within " + startupTimeout.toSeconds() + " s (state: " + s.state()
                        + "). It keeps starting; run the cell again to keep waiting, or raise "
                        + "livy_session_startup_timeout_seconds."));
            }
            return null;
        });
        StartPoll outcome = following.await();
        if (outcome instanceof StartPoll.Ready ready) {
            return ready.session();
        }
        if (outcome instanceof StartPoll.Failed failed) {
            throw failed.error();
        }
        throw new InterruptedException("interrupted while the session was starting");
    }

    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("session start observer failed", e);
        }
    }

    /**
     * Reads the current session's state from Livy. When Livy no longer has it, or it can never
     * run code again, the session is forgotten and null returned (the next cell starts a new one).
     * Other failures are thrown.
     */
    public Session refresh(Duration timeout) {
        Session known = session;
        if (known == null) {
            return null;
        }
        LivyClient client = timeout == null ? client() : client().withCallTimeout(timeout);
        try {
            Session now = client.getSession(known.id());
            if (isGone(now)) {
                forgetIfCurrent(known);
                return null;
            }
            if (session != null && session.id() == now.id()) {
                session = now;
            }
            return now;
        } catch (LivyException e) {
            if (e.isNotFound()) {
                forgetIfCurrent(known);
                return null;
            }
            throw e;
        }
    }

    /** Like {@link #refresh(Duration)}, and false when the session is gone; a Livy that does not answer says nothing. */
    public boolean confirmAlive() {
        try {
            return refresh(null) != null;
        } catch (LivyException e) {
            return true;
        }
    }

    /**
     * Whether a failed call on the current session shows that the session is gone (404, or Livy
     * refusing it as not usable); if so it is forgotten.
     */
    public boolean lostBy(LivyException e) {
        if (e.isNotFound() || e.isSessionNotUsable()) {
            forget();
            return true;
        }
        return false;
    }

    private static boolean isGone(Session s) {
        return s.isFinished();
    }

    /** Every session on the endpoint, page by page. */
    public List<Session> list() {
        LivyClient client = client();
        List<Session> all = new ArrayList<>();
        int from = 0;
        while (true) {
            SessionList page = client.listSessions(from, LIST_PAGE);
            List<Session> got = page.sessions() == null ? List.of() : page.sessions();
            all.addAll(got);
            from += got.size();
            if (got.isEmpty() || from >= page.total() || from >= LIST_MAX) {
                return all;
            }
        }
    }

    /** Deletes session {@code id} on the endpoint; the kernel's own is forgotten too. Failures are thrown. */
    public void delete(int id) {
        Session own = session;
        client().deleteSession(id);
        if (own != null && own.id() == id) {
            forget();
        }
    }

    /** A page of a session's log (see {@link LogSource#page}). */
    public SessionLog log(int sessionId, Integer from, int size) {
        return logs.page(sessionId, from, size);
    }

    /** Livy's own completion for the current session within {@code timeout}; empty without a session. */
    public List<String> complete(String code, int cursor, Duration timeout) {
        Session s = session;
        if (s == null) {
            return List.of();
        }
        return client().withCallTimeout(timeout).complete(s.id(), code, "pyspark", cursor);
    }

    /** Livy deletes a session whose heartbeat stops; while the kernel lives, keep it fed. */
    private void startHeartbeat(int id) {
        stopHeartbeat();
        if (heartbeatTimeoutSeconds <= 0) {
            return;
        }
        long period = Math.max(1, heartbeatTimeoutSeconds / 3);
        heartbeat = scheduler.scheduleWithFixedDelay(() -> {
            try {
                clientSupplier.get().getSession(id);
            } catch (LivyException e) {
                LOG.debug("heartbeat for session {} failed: {}", id, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("heartbeat for session {} failed", id, e);
            }
        }, period, period, TimeUnit.SECONDS);
    }

    private void stopHeartbeat() {
        ScheduledFuture<?> h = heartbeat;
        if (h != null) {
            h.cancel(false);
            heartbeat = null;
        }
    }

    /** Drops the session without calling Livy (it is gone already). */
    public void forget() {
        stopHeartbeat();
        session = null;
    }

    private void forgetIfCurrent(Session known) {
        Session s = session;
        if (s != null && s.id() == known.id()) {
            forget();
        }
    }

    /** Deletes the session on Livy (if any) and forgets it; errors are logged, not thrown. */
    public void delete() {
        Session s = session;
        forget();
        if (s == null) {
            return;
        }
        try {
            client().deleteSession(s.id());
            LOG.info("deleted Livy session {}", s.id());
        } catch (LivyException e) {
            if (!e.isNotFound()) {
                LOG.warn("could not delete Livy session {}: {}", s.id(), e.getMessage());
            }
        }
    }

    private LivyClient client() {
        return clientSupplier.get();
    }
}
