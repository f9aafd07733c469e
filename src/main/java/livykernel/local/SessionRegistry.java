package livykernel.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The live sessions by id and name, their creation, and the reapers (idle timeout, heartbeat, retention). */
final class SessionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final LocalLivyOptions options;
    private final Path driverScript;
    private final Map<Integer, LocalSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final WarmSpare spare;
    private volatile boolean leaving;

    SessionRegistry(LocalLivyOptions options, Path driverScript, WarmSpare spare) {
        this.options = options;
        this.driverScript = driverScript;
        this.spare = spare;
    }

    /** Creates and starts a session. Like Livy, the id is used up even when validation fails. */
    LocalSession create(LivyRequests.CreateSession request, String owner) {
        int id = ids.getAndIncrement();
        request.validate();
        LocalSession session;
        synchronized (this) {
            if (request.name() != null) {
                for (LocalSession s : sessions.values()) {
                    if (request.name().equals(s.name) && s.state().isActive()) {
                        throw HttpError.msg(400, "Rejected, Reason: Duplicate session name: Some(" + request.name()
                                + ") for session " + id);
                    }
                }
            }
            session = new LocalSession(id, request, owner, options.sessionTimeout(), options.retainedStatements(),
                    options.sparkMaster());
            sessions.put(id, session);
        }
        DriverProcess warm = spare.take(session.sparkConf());
        if (warm != null) {
            session.startOn(warm);
        } else {
            session.start(options.python(), driverScript);
        }
        return session;
    }

    /** True when no session is starting or running a statement, and none did for {@code quiet}. */
    boolean quietFor(java.time.Duration quiet) {
        long since = System.currentTimeMillis() - quiet.toMillis();
        for (LocalSession s : list()) {
            SessionState st = s.state();
            if (st == SessionState.STARTING || st == SessionState.BUSY || s.lastActivity() > since) {
                return false;
            }
        }
        return true;
    }

    /** Looks a session up as Livy does: an all-digit segment is an id, anything else a name. */
    LocalSession get(String idOrName) {
        LocalSession s = null;
        if (!idOrName.isEmpty() && idOrName.chars().allMatch(Character::isDigit)) {
            try {
                s = sessions.get(Integer.parseInt(idOrName));
            } catch (NumberFormatException ignored) {
                s = null;
            }
        } else {
            s = sessions.values().stream().filter(x -> idOrName.equals(x.name)).findFirst().orElse(null);
        }
        if (s == null) {
            throw HttpError.sessionNotFound(idOrName);
        }
        return s;
    }

    List<LocalSession> list() {
        List<LocalSession> all = new ArrayList<>(sessions.values());
        all.sort(Comparator.comparingInt(s -> s.id));
        return all;
    }

    /**
     * The kernel is restarting: from now on a stop does not wait for the processes to be gone.
     * Their pipes close with this JVM, Python exits at its stdin's end and Spark's JVM at its own;
     * waiting for Spark's shutdown hooks only delayed the restarted kernel by seconds.
     */
    void leaving() {
        leaving = true;
    }

    /** Stops a session and removes it; blocks until its processes are gone, as Livy's DELETE does. */
    void delete(LocalSession session, String reason) {
        LOG.info("deleting session {}: {}", session.id, reason);
        CompletableFuture<Void> stopped = session.stop();
        if (leaving) {
            sessions.remove(session.id, session);
            return;
        }
        try {
            stopped.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("session {} did not stop cleanly: {}", session.id, e.toString());
        }
        sessions.remove(session.id, session);
    }

    /** Idle timeout and retention of finished sessions (run often; it is cheap). */
    void reapIdle() {
        long now = System.currentTimeMillis();
        for (LocalSession s : list()) {
            if (s.idleExpired(now)) {
                delete(s, "inactive for more than " + Durations.format(s.idleTimeout));
            } else if (s.retentionExpired(now, options.deadSessionRetention())) {
                delete(s, "finished more than " + Durations.format(options.deadSessionRetention()) + " ago");
            }
        }
    }

    /** Heartbeat watchdog: sessions whose client stopped talking to them. */
    void reapHeartbeats() {
        long now = System.currentTimeMillis();
        for (LocalSession s : list()) {
            if (s.heartbeatExpired(now)) {
                delete(s, "heartbeat expired");
            }
        }
    }

    /** Stops every session in parallel and waits for them (server shutdown). */
    void closeAll(long timeoutMillis) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (LocalSession s : list()) {
            all.add(s.stop());
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(leaving ? 0 : timeoutMillis,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            if (!leaving) {
                LOG.warn("not every session stopped within {} ms", timeoutMillis);
            }
        }
        sessions.clear();
    }
}
