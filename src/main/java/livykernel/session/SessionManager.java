package livykernel.session;

import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import livykernel.livy.Poller;
import livykernel.livy.PollingPolicy;
import livykernel.livy.Session;
import livykernel.livy.SessionList;
import livykernel.livy.SessionLog;
import livykernel.logs.EmrLogs;
import livykernel.logs.LivyLogSource;
import livykernel.logs.LogSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Owns the kernel's one Livy session and everything the kernel asks Livy about sessions:
 * creates it when the first cell needs it (or pre-starts it when the kernel starts) and waits
 * until it is ready, keeps Livy's heartbeat
 * fed, decides from Livy's state when it is gone (and forgets it), deletes it on shutdown, and
 * lists, deletes and reads the logs of sessions for the magics.
 */
public final class SessionManager {

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    private static final int LOG_TAIL_LINES = 20;
    /** How long a loss message waits for AWS to say where EMR archives the logs (the SDK's first load included). */
    private static final Duration ARCHIVE_LOOKUP = Duration.ofSeconds(10);
    /** GET /sessions pages at 100; a busy shared cluster can have more, but not without bound. */
    private static final int LIST_PAGE = 100;
    private static final int LIST_MAX = 10_000;
    /** How long shutdown waits for a pre-start's POST in flight, to delete the session it creates. */
    private static final int CLOSE_WAIT_SECONDS = 5;

    private final Supplier<LivyClient> clientSupplier;
    private final ScheduledExecutorService scheduler;
    private final Poller poller;
    private final LogSource logs;
    private final EmrLogs emr;
    /** The YARN application id Livy reported for each session this kernel held: the key to its archived logs. */
    private final Map<Integer, String> appIds = new ConcurrentHashMap<>();
    private volatile Integer lastSessionId;
    private final int heartbeatTimeoutSeconds;
    private final Duration startupTimeout;
    private volatile Map<String, Object> sessionConfigs;

    private final Clock clock;
    private volatile Session session;
    /** Re-reads by a cell of a ready session whose appInfo Livy had not reported yet (Livy in local
     * mode never reports one, so a few; the heartbeat keeps looking). Per session. */
    private static final int APP_INFO_REREADS = 3;
    private int appInfoRereads;
    private volatile ScheduledFuture<?> heartbeat;
    /** When the session last did something Livy counts as activity that the kernel knows of: ready, or a statement ended. */
    private volatile long lastActivityMillis;
    /** When the idle keep-alive last reset Livy's idle clock (0: never). */
    private volatile long lastKeepAliveMillis;
    /** Set when the heartbeat found Livy unreachable: the next cell checks the session is still the kernel's. */
    private volatile boolean verifyBeforeUse;
    /** A loss found outside a cell (a refresh for %%info or completion) that no cell has told the user about yet. */
    private volatile SessionLoss untold;

    /** Guards the hand-over between a pre-start's own threads and the cell or magic that meets it. */
    private final Object prestartLock = new Object();
    /** The pre-start whose POST /sessions is in flight, or null. Guarded by prestartLock. */
    private Prestart prestart;
    /** The background polls of a pre-started session until it is ready, or null. Guarded by prestartLock. */
    private Prestart following;
    /** Why the pre-start failed, for the first cell to show once. */
    private volatile SessionStartException prestartFailure;
    /** The body the current session was pre-started with, while no user statement has run in it; else null. */
    private volatile Map<String, Object> prestartedWith;
    private volatile boolean closed;
    /** The current session is another's, bound with {@link #attach}: cells run in it, the kernel never deletes it. */
    private volatile boolean attached;
    /** A session id to attach to instead of creating the first session (config {@code attach_session_id}). */
    private volatile Integer attachOnFirstUse;

    /** {@code scheduler} runs the heartbeat and the polls of a starting session. */
    public SessionManager(Supplier<LivyClient> clientSupplier, ScheduledExecutorService scheduler,
                          Map<String, Object> sessionConfigs, int heartbeatTimeoutSeconds, Duration startupTimeout) {
        this(clientSupplier, scheduler, new LivyLogSource(clientSupplier), sessionConfigs, heartbeatTimeoutSeconds,
                startupTimeout);
    }

    public SessionManager(Supplier<LivyClient> clientSupplier, ScheduledExecutorService scheduler, LogSource logs,
                          Map<String, Object> sessionConfigs, int heartbeatTimeoutSeconds, Duration startupTimeout) {
        this(clientSupplier, scheduler, logs, sessionConfigs, heartbeatTimeoutSeconds, startupTimeout, Clock.systemUTC());
    }

    /** {@code clock} measures how long the session was idle when it is found gone. */
    public SessionManager(Supplier<LivyClient> clientSupplier, ScheduledExecutorService scheduler, LogSource logs,
                          Map<String, Object> sessionConfigs, int heartbeatTimeoutSeconds, Duration startupTimeout,
                          Clock clock) {
        this(clientSupplier, scheduler, logs, sessionConfigs, heartbeatTimeoutSeconds, startupTimeout, clock, null);
    }

    /** {@code emr}: the S3 archive of gone sessions' logs on Amazon EMR, or null where there is none. */
    public SessionManager(Supplier<LivyClient> clientSupplier, ScheduledExecutorService scheduler, LogSource logs,
                          Map<String, Object> sessionConfigs, int heartbeatTimeoutSeconds, Duration startupTimeout,
                          Clock clock, EmrLogs emr) {
        this.emr = emr;
        this.clock = clock;
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
     * The body with a name of its own for the new session, unless the configuration names it: Livy
     * numbers sessions from 0 again after a restart (without recovery), so an id alone cannot tell
     * the kernel's session from someone else's that got the same id; the name can.
     */
    private static Map<String, Object> named(Map<String, Object> body) {
        if (body.containsKey("name")) {
            return body;
        }
        Map<String, Object> b = new LinkedHashMap<>(body);
        b.put("name", "livy-kernel-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        return b;
    }

    /** Whether Livy's session {@code now}, under the kernel's session id, is another session. */
    private static boolean reused(Session known, Session now) {
        return known.name() != null && now != null && known.id() == now.id() && !known.name().equals(now.name());
    }

    /**
     * Returns a ready session, creating it if needed. {@code cancelled} is checked while waiting,
     * so an interrupt stops the wait (the session keeps starting and serves the next cell).
     * A pre-start still creating the session is waited for, and its failure thrown once.
     */
    public synchronized Session ensureSession(StartObserver observer, BooleanSupplier cancelled)
            throws SessionStartException, InterruptedException {
        LivyClient client = client();
        awaitPrestartCreated(cancelled);
        // Once the background polls have stopped, the pre-start's outcome can no longer change under this cell.
        takeOverPrestart();
        SessionStartException failed = prestartFailure;
        prestartFailure = null;
        if (failed != null && session == null) {
            throw failed;
        }
        if (session != null && session.isReady() && verifyBeforeUse) {
            // Livy did not answer the heartbeat: it may have restarted and handed the id to someone else.
            verifyBeforeUse = false;
            Session now = peekAny(client, session);
            if (reused(session, now)) {
                untold = idReused(session, now);
                forgetIfCurrent(session);
            } else if (now != null && now.isReady()) {
                session = now;
            }
        }
        Integer attachTo = attachOnFirstUse;
        if (session == null && attachTo != null) {
            attachOnFirstUse = null;
            try {
                attach(attachTo, false);
            } catch (LivyException | IllegalStateException e) {
                throw new SessionStartException("Could not attach to Livy session " + attachTo
                        + " (attach_session_id): " + (e instanceof LivyException && ((LivyException) e).isNotFound()
                        ? "Livy at " + client.url() + " has no such session" : e.getMessage())
                        + ". The next cell starts a session of this kernel's own.");
            }
        }
        if (session == null) {
            Session created;
            try {
                created = client.createSession(named(creationBody()));
            } catch (LivyException e) {
                throw createFailure(client, e);
            }
            install(created, null);
        }
        if (!session.isReady() && prestartedWith != null) {
            // The background polls may be a poll behind: a session already ready shows no status line.
            session = remember(peek(client, session));
            if (session.isReady()) {
                lastActivityMillis = clock.millis();
            }
        }
        if (session.isReady() && lacksAppInfo(session) && appInfoRereads < APP_INFO_REREADS) {
            // On YARN, Livy learns the application id and Spark UI address after the session is idle.
            appInfoRereads++;
            session = remember(peek(client, session));
        }
        if (session.isReady()) {
            return session;
        }
        return awaitReady(client, observer, cancelled);
    }

    /** Whether the next use checks the session is still the kernel's (the heartbeat found Livy unreachable). */
    boolean verifyBeforeUse() {
        return verifyBeforeUse;
    }

    private static Session peekAny(LivyClient client, Session known) {
        try {
            return client.getSession(known.id());
        } catch (LivyException e) {
            return null;
        }
    }

    private SessionLoss idReused(Session known, Session now) {
        LOG.info("Livy session {} is now another session ({}): Livy restarted", known.id(), now.name());
        return new SessionLoss(known.id(), SessionLoss.Kind.ID_REUSED, now.state(), null,
                now.name() == null ? "unnamed" : "'" + now.name() + "'");
    }

    private static boolean lacksAppInfo(Session s) {
        return s.appId() == null || s.sparkUiUrl() == null;
    }

    /** The heartbeat's answer completes what the kernel knows of its session's Spark application. */
    private void adoptAppInfo(Session now) {
        Session known = session;
        if (known != null && known.id() == now.id() && lacksAppInfo(known) && !lacksAppInfo(now) && now.isReady()) {
            session = remember(now);
        }
    }

    /** Livy's current view of {@code known}, or {@code known} when Livy does not say (the wait that follows will). */
    private static Session peek(LivyClient client, Session known) {
        try {
            Session now = client.getSession(known.id());
            return now.isReady() ? now : known;
        } catch (LivyException e) {
            return known;
        }
    }

    private static SessionStartException createFailure(LivyClient client, LivyException e) {
        return new SessionStartException("Could not create a Spark session on Livy at " + client.url()
                + ": " + e.getMessage());
    }

    private void install(Session created, Map<String, Object> prestartBody) {
        session = remember(created);
        appInfoRereads = 0;
        prestartedWith = prestartBody;
        // POST /sessions is activity for Livy's idle clock.
        lastActivityMillis = clock.millis();
        startHeartbeat(created.id());
        LOG.info("created Livy session {}{}", created.id(), prestartBody == null ? "" : " (pre-started)");
    }

    /**
     * Starts creating the session in the background, so that the first cell finds it ready:
     * the POST on a thread of its own (a slow or unreachable Livy delays no one), then the
     * scheduler polls it until it is ready. Does nothing when there is a session or one is coming.
     */
    public void prestart() {
        Prestart p;
        synchronized (prestartLock) {
            if (closed || session != null || prestart != null || attachOnFirstUse != null) {
                return;
            }
            p = new Prestart(creationBody());
            prestart = p;
            prestartFailure = null;
        }
        Thread t = new Thread(() -> create(p), "livy-prestart");
        t.setDaemon(true);
        t.start();
    }

    private void create(Prestart p) {
        Session created = null;
        SessionStartException failure = null;
        try {
            LivyClient client = client();
            try {
                created = client.createSession(named(p.body));
            } catch (LivyException e) {
                failure = createFailure(client, e);
            }
        } catch (RuntimeException e) {
            // The embedded endpoint could not start, or the kernel is shutting down.
            failure = new SessionStartException("Could not create a Spark session: " + e.getMessage());
        }
        boolean wanted;
        synchronized (prestartLock) {
            wanted = prestart == p;
            if (wanted) {
                prestart = null;
                if (created != null) {
                    install(created, p.body);
                    following = p;
                    Session first = created;
                    p.polls = poller.follow(PollingPolicy.SESSION_START, elapsed -> followPrestart(p, first, elapsed));
                } else {
                    prestartFailure = failure;
                }
            }
        }
        if (!wanted && created != null) {
            // Cancelled (shutdown, %%configure) while the POST was in flight: no one else knows this session.
            deleteQuietly(created.id());
        }
        if (failure != null) {
            LOG.info("pre-start failed: {}", failure.getMessage());
        }
        p.created.complete(null);
    }

    /** One background poll of a pre-started session; true when there is nothing more to follow. */
    private Boolean followPrestart(Prestart p, Session created, long elapsed) {
        synchronized (prestartLock) {
            Session known = session;
            if (following != p || known == null || known.id() != created.id()) {
                return true;
            }
            Session s;
            try {
                s = client().getSession(created.id());
            } catch (LivyException e) {
                if (!e.isNotFound()) {
                    // Livy not answering: the first cell's own wait will judge.
                    return elapsed > startupTimeout.toMillis() ? stopFollowing() : null;
                }
                prestartFailure = new SessionStartException("The pre-started Spark session " + created.id()
                        + " disappeared from Livy while starting. Run the cell again to start a new one.");
                forget();
                return stopFollowing();
            }
            session = remember(s);
            if (s.isReady()) {
                lastActivityMillis = clock.millis();
                return stopFollowing();
            }
            if (s.isFinished()) {
                prestartFailure = failedToStart(s);
                forget();
                return stopFollowing();
            }
            return elapsed > startupTimeout.toMillis() ? stopFollowing() : null;
        }
    }

    private Boolean stopFollowing() {
        following = null;
        return true;
    }

    /** A cell needs the session: wait (interruptibly) for a pre-start's POST in flight. */
    private void awaitPrestartCreated(BooleanSupplier cancelled) throws InterruptedException {
        Prestart p;
        synchronized (prestartLock) {
            p = prestart;
        }
        if (p == null) {
            return;
        }
        Boolean done = poller.follow(PollingPolicy.SESSION_START,
                elapsed -> p.created.isDone() ? Boolean.TRUE : cancelled.getAsBoolean() ? Boolean.FALSE : null).await();
        if (!done) {
            throw new InterruptedException("interrupted while the pre-started session was being created");
        }
    }

    /** A cell waits for the session now: the background polls stop, the cell's own wait shows the rest. */
    private void takeOverPrestart() {
        Prestart f;
        synchronized (prestartLock) {
            f = following;
            following = null;
        }
        if (f != null && f.polls != null) {
            f.polls.stop();
        }
    }

    /** What {@link #configureBeforeUse} did with new session settings. */
    public enum Configured {
        /** No session yet and none coming: the settings are set for the first one. */
        SET,
        /** The pre-started session was created with these very settings: it stays. */
        UNCHANGED,
        /** The pre-started session had other settings: deleted, and a new one pre-started with them. */
        REPLACED,
        /** A session runs that the user has run code in: nothing was changed. */
        IN_USE
    }

    /**
     * Sets new session settings unless the user has run code in the session: a pre-started session
     * (created or still being created) whose settings differ is deleted without waiting for it to
     * be ready, and a new one pre-started with the new settings.
     */
    public Configured configureBeforeUse(Map<String, Object> configs) {
        Session replaced;
        synchronized (prestartLock) {
            Prestart p = prestart;
            Map<String, Object> createdWith = p != null ? p.body : session != null ? prestartedWith : null;
            if (p == null && session == null) {
                setSessionConfigs(configs);
                prestartFailure = null;
                return Configured.SET;
            }
            if (createdWith == null) {
                return Configured.IN_USE;
            }
            setSessionConfigs(configs);
            if (creationBody().equals(createdWith)) {
                return Configured.UNCHANGED;
            }
            // A POST in flight deletes what it creates once it sees it is no longer wanted.
            prestart = null;
            replaced = p == null ? session : null;
        }
        if (replaced != null) {
            takeOverPrestart();
            forget();
            deleteQuietly(replaced.id());
        }
        prestart();
        return Configured.REPLACED;
    }

    /** A user statement was submitted: from now on the session holds the user's state. */
    public void statementSubmitted() {
        prestartedWith = null;
    }

    /**
     * The kernel is going away: no pre-start begins any more, one in flight is waited for a few
     * seconds so that the session it creates is deleted too, and the session is deleted.
     */
    public void close() {
        Prestart p;
        synchronized (prestartLock) {
            closed = true;
            p = prestart;
            prestart = null;
        }
        if (p != null) {
            try {
                p.created.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("the pre-start's POST /sessions did not return within {} s; Livy reaps its session when the "
                        + "heartbeat stops", CLOSE_WAIT_SECONDS);
            }
        }
        delete();
    }

    /** One pre-start: the body it creates the session with, and when its POST has been dealt with. */
    private static final class Prestart {
        final Map<String, Object> body;
        final CompletableFuture<Void> created = new CompletableFuture<>();
        /** Guarded by the manager's prestartLock. */
        Poller.Following<Boolean> polls;

        Prestart(Map<String, Object> body) {
            this.body = Map.copyOf(body);
        }
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
            session = remember(s);
            if (s.isReady()) {
                lastActivityMillis = clock.millis();
                tell(() -> observer.ready(s, Duration.ofMillis(elapsed)));
                return new StartPoll.Ready(s);
            }
            if (s.isFinished()) {
                SessionStartException failure = failedToStart(s);
                forget();
                tell(() -> observer.failed(s));
                return new StartPoll.Failed(failure);
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

    private SessionStartException failedToStart(Session s) {
        String tail = String.join("\n", logs.tail(s.id(), LOG_TAIL_LINES)).strip();
        return new SessionStartException("The Spark session " + s.id()
                + " failed to start: Livy reports state '" + s.state() + "'."
                + (tail.isEmpty() ? "" : " Last lines of its log:\n" + tail)
                + "\nFix the cause (see the log above, or %%configure), then run the cell again.");
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
            if (reused(known, now)) {
                untold = idReused(known, now);
                forgetIfCurrent(known);
                return null;
            }
            if (isGone(now)) {
                untold = explain(known, now, false);
                forgetIfCurrent(known);
                return null;
            }
            if (session != null && session.id() == now.id()) {
                session = remember(now);
            }
            return now;
        } catch (LivyException e) {
            if (e.isNotFound()) {
                untold = explain(known, null, false);
                forgetIfCurrent(known);
                return null;
            }
            throw e;
        }
    }

    /**
     * When a failed call on the current session shows that it is gone, why (asking Livy for its
     * last state and log while Livy still has them); the session is forgotten. Empty for other
     * failures. {@code duringStatement}: the call followed a running statement.
     */
    public Optional<SessionLoss> lossBy(LivyException e, boolean duringStatement) {
        if (!e.isNotFound() && !e.isSessionNotUsable()) {
            return Optional.empty();
        }
        Session known = session;
        forget();
        if (known == null) {
            return Optional.empty();
        }
        Session now = null;
        if (!e.isNotFound()) {
            try {
                now = client().getSession(known.id());
            } catch (LivyException ignored) {
                // Gone meanwhile or Livy not answering: classify from what is known.
            }
        }
        untold = null;
        return Optional.of(explain(known, now, duringStatement));
    }

    /**
     * After a cell's statement failed: whether the session went with it (an interpreter or a
     * driver that died), and why. A Livy that does not answer says nothing.
     */
    public Optional<SessionLoss> lossAfterError() {
        try {
            if (refresh(null) != null) {
                return Optional.empty();
            }
        } catch (LivyException e) {
            return Optional.empty();
        }
        SessionLoss loss = untold;
        untold = null;
        return loss == null ? Optional.empty() : Optional.of(loss.withKind(reclassifyRunning(loss)));
    }

    /** A loss found after a statement failed never was the idle timeout: the statement had just run. */
    private static SessionLoss.Kind reclassifyRunning(SessionLoss loss) {
        return loss.kind() == SessionLoss.Kind.IDLE_TIMEOUT ? SessionLoss.Kind.UNKNOWN : loss.kind();
    }

    /** A loss found outside a cell that no cell has reported yet, handed out once. */
    public Optional<SessionLoss> takeUntoldLoss() {
        SessionLoss loss = untold;
        untold = null;
        return Optional.ofNullable(loss);
    }

    /**
     * The idle keep-alive: while the last cell ended less than {@code window} ago, POST /connect
     * resets Livy's idle clock ({@code livy.server.session.timeout}) for the held session. After
     * that, Livy's timeout applies again. Returns whether Livy was asked.
     */
    public boolean keepIdleSessionAlive(Duration window) {
        Session s = session;
        long last = lastActivityMillis;
        if (s == null || closed || last <= 0 || clock.millis() - last >= window.toMillis()) {
            return false;
        }
        try {
            client().connect(s.id());
            lastKeepAliveMillis = clock.millis();
            return true;
        } catch (LivyException e) {
            LOG.debug("idle keep-alive for session {} failed: {}", s.id(), e.getMessage());
            return false;
        }
    }

    /** A statement of the session ended: Livy's idle clock starts again from here. */
    public void statementEnded() {
        lastActivityMillis = clock.millis();
    }

    /** Why {@code known} went: {@code now} is Livy's current view of it, or null when Livy answered 404. */
    private SessionLoss explain(Session known, Session now, boolean duringStatement) {
        if (reused(known, now)) {
            return idReused(known, now);
        }
        List<String> tail = List.of();
        if (now != null) {
            tail = logs.tail(known.id(), LOG_TAIL_LINES);
            if (tail.isEmpty() && now.log() != null) {
                tail = now.log();
            }
        }
        // Livy's idle clock restarted at the last activity or keep-alive, whichever came later.
        long since = Math.max(lastActivityMillis, lastKeepAliveMillis);
        Duration idle = since > 0 ? Duration.ofMillis(Math.max(0, clock.millis() - since)) : null;
        SessionLoss loss = LossClassifier.classify(known.id(), now == null ? null : now.state(), tail, idle,
                duringStatement);
        LOG.info("Livy session {} is gone: {} (state {}, idle {})", known.id(), loss.kind(), loss.state(), idle);
        if (emr != null && emr.known()) {
            // Only a kernel that knows its EMR cluster asks AWS: plain Livy users never reach it.
            loss = loss.withArchivedLogs(emr.places(known.id(), appIdOf(known.id()).orElse(null), ARCHIVE_LOOKUP));
        }
        return loss;
    }

    private static boolean isGone(Session s) {
        return s.isFinished();
    }

    /** What {@link #attach} did: the session now used, and the id of an unused session of the kernel's own it deleted. */
    public record Attachment(Session session, Integer deletedOwn) {
    }

    /**
     * Binds the kernel to Livy session {@code id} (someone else's, or one an earlier kernel left):
     * cells run in it from now on and the kernel never deletes it. The kernel's own session is
     * deleted when no user code ran in it (a pre-start), otherwise only with {@code replaceOwn}.
     *
     * @throws LivyException         when Livy cannot be asked, or has no such session (404)
     * @throws IllegalStateException with one sentence, when the session cannot run code or the own one is in use
     */
    public synchronized Attachment attach(int id, boolean replaceOwn) {
        synchronized (prestartLock) {
            // A pre-start's POST in flight deletes what it creates once it sees it is no longer wanted.
            prestart = null;
        }
        takeOverPrestart();
        Session target = client().getSession(id);
        if (target.isFinished()) {
            throw new IllegalStateException("Livy session " + id + " is '" + target.state() + "' and cannot run code "
                    + "any more (%%info lists the sessions)");
        }
        Session current = session;
        Integer deleted = null;
        if (current != null && current.id() == id) {
            if (attached) {
                return new Attachment(remember(target), null);
            }
            throw new IllegalStateException("Livy session " + id + " is this kernel's own session already");
        }
        if (current != null && !attached) {
            if (prestartedWith == null && !replaceOwn) {
                throw new IllegalStateException("This kernel's own Spark session " + current.id() + " holds your "
                        + "variables. %%attach -f " + id + " deletes it and attaches; nothing was changed");
            }
            deleted = current.id();
        }
        forget();
        if (deleted != null) {
            deleteQuietly(deleted);
        }
        session = remember(target);
        attached = true;
        appInfoRereads = 0;
        lastActivityMillis = clock.millis();
        startHeartbeat(id);
        LOG.info("attached to Livy session {}", id);
        return new Attachment(target, deleted);
    }

    /** Leaves the attached session (it stays on Livy) and returns it; null when the kernel was not attached. */
    public synchronized Session detach() {
        if (!attached) {
            return null;
        }
        Session s = session;
        forget();
        LOG.info("detached from Livy session {}", s == null ? null : s.id());
        return s;
    }

    /** Whether the current session is another's that {@link #attach} bound the kernel to. */
    public boolean isAttached() {
        return attached && session != null;
    }

    /** Attach to session {@code id} at the first cell instead of creating a session (config {@code attach_session_id}). */
    public void attachOnFirstUse(Integer id) {
        attachOnFirstUse = id;
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

    private Session remember(Session s) {
        if (s != null) {
            lastSessionId = s.id();
            if (s.appId() != null && !s.appId().isBlank()) {
                appIds.put(s.id(), s.appId());
            }
        }
        return s;
    }

    /** The YARN application id Livy reported for session {@code id} while this kernel held it. */
    public Optional<String> appIdOf(int id) {
        return Optional.ofNullable(appIds.get(id));
    }

    /** The id of the last session this kernel held, gone or not; empty before the first. */
    public Optional<Integer> lastSessionId() {
        return Optional.ofNullable(lastSessionId);
    }

    /** The EMR log archive, when the kernel has one (see {@link EmrLogs#known()} for whether it knows its cluster). */
    public Optional<EmrLogs> archive() {
        return Optional.ofNullable(emr);
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
                Session now = clientSupplier.get().getSession(id);
                Session known = session;
                if (known != null && reused(known, now)) {
                    untold = idReused(known, now);
                    forgetIfCurrent(known);
                    return;
                }
                adoptAppInfo(now);
            } catch (LivyException e) {
                verifyBeforeUse = true;
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
        prestartedWith = null;
        session = null;
        attached = false;
    }

    private void forgetIfCurrent(Session known) {
        Session s = session;
        if (s != null && s.id() == known.id()) {
            forget();
        }
    }

    /** Deletes the kernel's own session on Livy (if any) and forgets it; an attached one is only left. Errors are logged, not thrown. */
    public void delete() {
        takeOverPrestart();
        Session s = session;
        boolean another = attached;
        forget();
        if (s == null) {
            return;
        }
        if (another) {
            LOG.info("leaving Livy session {} as it is: the kernel was attached to it", s.id());
            return;
        }
        if (verifyBeforeUse && reused(s, peekAny(client(), s))) {
            LOG.info("not deleting Livy session {}: Livy restarted and the id is another session's now", s.id());
            return;
        }
        deleteQuietly(s.id());
    }

    private void deleteQuietly(int id) {
        try {
            client().deleteSession(id);
            LOG.info("deleted Livy session {}", id);
        } catch (LivyException e) {
            if (!e.isNotFound()) {
                LOG.warn("could not delete Livy session {}: {}", id, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("could not delete Livy session {}: {}", id, e.getMessage());
        }
    }

    private LivyClient client() {
        return clientSupplier.get();
    }
}
