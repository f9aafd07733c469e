package livykernel.session;

import livykernel.display.TableRenderer;
import livykernel.kernel.CellOutput;
import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import livykernel.livy.Session;
import livykernel.livy.SessionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Owns the kernel's one Livy session: creates it when the first cell needs it, waits until it
 * is ready while showing its state, keeps Livy's heartbeat fed, and deletes it on shutdown.
 */
public final class SessionManager {

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    private static final int LOG_TAIL_LINES = 20;

    private final Supplier<LivyClient> clientSupplier;
    private final ScheduledExecutorService scheduler;
    private final int heartbeatTimeoutSeconds;
    private final Duration startupTimeout;
    private volatile Map<String, Object> sessionConfigs;

    private volatile Session session;
    private volatile ScheduledFuture<?> heartbeat;

    public SessionManager(Supplier<LivyClient> clientSupplier, ScheduledExecutorService scheduler,
                          Map<String, Object> sessionConfigs, int heartbeatTimeoutSeconds, Duration startupTimeout) {
        this.clientSupplier = clientSupplier;
        this.scheduler = scheduler;
        this.sessionConfigs = Map.copyOf(sessionConfigs);
        this.heartbeatTimeoutSeconds = heartbeatTimeoutSeconds;
        this.startupTimeout = startupTimeout;
    }

    public LivyClient client() {
        return clientSupplier.get();
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
    public synchronized Session ensureSession(CellOutput out, BooleanSupplier cancelled)
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
        return awaitReady(client, out, cancelled);
    }

    private Session awaitReady(LivyClient client, CellOutput out, BooleanSupplier cancelled)
            throws SessionStartException, InterruptedException {
        String displayId = "livy-session-" + UUID.randomUUID();
        long start = System.nanoTime();
        long deadline = start + startupTimeout.toNanos();
        String shownState = session.state();
        out.display(statusBundle("Starting Spark session " + session.id() + " (state: " + shownState + ")…"), Map.of(), displayId);
        // A start takes seconds; a cheap GET every 50-250 ms sees "idle" within a quarter second.
        long delay = 50;
        while (true) {
            Session s;
            try {
                s = client.getSession(session.id());
            } catch (LivyException e) {
                if (e.isNotFound()) {
                    forget();
                    throw new SessionStartException("The Spark session disappeared from Livy while starting ("
                            + e.getMessage() + "). Run the cell again to start a new one.");
                }
                throw new SessionStartException("Lost contact with Livy while the Spark session was starting: " + e.getMessage());
            }
            session = s;
            if (s.isReady()) {
                long secs = Math.round((System.nanoTime() - start) / 1e9);
                out.updateDisplay(readyBundle(s, secs), Map.of(), displayId);
                return s;
            }
            if (s.isFinished()) {
                String tail = logTail(client, s.id());
                forget();
                out.updateDisplay(statusBundle("Spark session " + s.id() + " failed to start (state: " + s.state() + ")."),
                        Map.of(), displayId);
                throw new SessionStartException("The Spark session " + s.id() + " failed to start: Livy reports state '"
                        + s.state() + "'." + (tail.isEmpty() ? "" : " Last lines of its log:\n" + tail)
                        + "\nFix the cause (see the log above, or %%configure), then run the cell again.");
            }
            if (!s.state().equals(shownState)) {
                shownState = s.state();
                out.updateDisplay(statusBundle("Starting Spark session " + s.id() + " (state: " + shownState + ")…"), Map.of(), displayId);
            }
            if (cancelled.getAsBoolean()) {
                throw new InterruptedException("interrupted while the session was starting");
            }
            if (System.nanoTime() > deadline) {
                throw new SessionStartException("The Spark session " + s.id() + " did not become ready within "
                        + startupTimeout.toSeconds() + " s (state: " + s.state() + "). It keeps starting; run the cell again "
                        + "to keep waiting, or raise livy_session_startup_timeout_seconds.");
            }
            Thread.sleep(delay);
            delay = Math.min(250, delay + 50);
        }
    }

    private String logTail(LivyClient client, int id) {
        try {
            SessionLog log = client.getLog(id, null, LOG_TAIL_LINES);
            return log.log() == null ? "" : String.join("\n", log.log()).strip();
        } catch (LivyException e) {
            return "";
        }
    }

    private static Map<String, Object> statusBundle(String text) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("text/plain", text);
        b.put("text/html", "<div class=\"livy-session-status\">" + TableRenderer.escape(text) + "</div>");
        return b;
    }

    static Map<String, Object> readyBundle(Session s, long seconds) {
        StringBuilder text = new StringBuilder("Spark session " + s.id() + " ready in " + seconds + " s");
        StringBuilder html = new StringBuilder("<div class=\"livy-session-status\">Spark session " + s.id()
                + " ready in " + seconds + " s");
        if (s.appId() != null) {
            text.append(", application ").append(s.appId());
            html.append(", application <code>").append(TableRenderer.escape(s.appId())).append("</code>");
        }
        if (s.sparkUiUrl() != null) {
            text.append(", Spark UI: ").append(s.sparkUiUrl());
            html.append(", <a href=\"").append(TableRenderer.escape(s.sparkUiUrl())).append("\" target=\"_blank\">Spark UI</a>");
        }
        if (s.driverLogUrl() != null) {
            text.append(", driver log: ").append(s.driverLogUrl());
            html.append(", <a href=\"").append(TableRenderer.escape(s.driverLogUrl())).append("\" target=\"_blank\">driver log</a>");
        }
        text.append(". SparkSession available as 'spark'.");
        html.append(". SparkSession available as <code>spark</code>.</div>");
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("text/plain", text.toString());
        b.put("text/html", html.toString());
        return b;
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

    /** Lines of the current session's log for error messages; empty when there is none. */
    public List<String> recentLog(int lines) {
        Session s = session;
        if (s == null) {
            return List.of();
        }
        String tail = logTail(client(), s.id());
        return tail.isEmpty() ? List.of() : List.of(tail.split("\n"));
    }
}
