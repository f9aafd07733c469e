package livykernel.local;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One interactive session: Livy's state machine and statement queue in front of one
 * {@link DriverProcess}. Statements are sent to Python one at a time; the rest wait here, so a
 * waiting statement can be cancelled without a round trip.
 */
final class LocalSession {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSession.class);
    static final int LOG_LINES = 2000;

    final int id;
    final String name;
    final SessionKind kind;
    final String owner;
    final LivyRequests.CreateSession request;
    final Duration idleTimeout;
    private final int retainedStatements;
    private final String defaultMaster;

    private SessionState state = SessionState.STARTING;
    private String appId;
    private String sparkUiUrl;
    private final LinkedHashMap<Integer, LocalStatement> statements = new LinkedHashMap<>();
    private final ArrayDeque<LocalStatement> waiting = new ArrayDeque<>();
    private LocalStatement running;
    private int nextStatementId;
    private int totalStatements;
    private final LogBuffer log = new LogBuffer(LOG_LINES);
    private final ArrayDeque<String> recentStderr = new ArrayDeque<>();
    private final Map<Integer, CompletableFuture<List<String>>> completions = new ConcurrentHashMap<>();
    private final AtomicInteger completionIds = new AtomicInteger();
    private DriverProcess driver;
    private final long createdAt = System.currentTimeMillis();
    private volatile long lastActivity = System.currentTimeMillis();
    private volatile long heartbeatDeadline;
    private volatile long finishedAt;

    LocalSession(int id, LivyRequests.CreateSession request, String owner, Duration defaultIdleTimeout,
                 int retainedStatements, String defaultMaster) {
        this.id = id;
        this.request = request;
        this.name = request.name();
        this.kind = request.sessionKind();
        this.owner = owner;
        Duration own = request.sessionIdleTimeout();
        this.idleTimeout = own != null ? own : defaultIdleTimeout;
        this.retainedStatements = retainedStatements;
        this.defaultMaster = defaultMaster;
        heartbeat();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /** Launches the driver process; a failure to launch leaves the session in {@code error}. */
    void start(String python, Path script) {
        Map<String, Object> init = new HashMap<>();
        init.put("op", "init");
        init.put("id", id);
        init.put("appName", name != null ? name : "livy-session-" + id);
        init.put("conf", sparkConf());
        try {
            DriverProcess d = DriverProcess.start(python, script, "livy-session-" + id);
            attach(d);
            d.send(init);
            LOG.info("session {}: started driver pid {} with {}", id, d.pid(), python);
        } catch (IOException e) {
            String msg = "cannot start Python interpreter '" + python + "': " + e.getMessage()
                    + ". Set LIVY_KERNEL_PYTHON or PYSPARK_PYTHON to a Python with pyspark installed "
                    + "(pip install " + "pyspark==3.5.3).";
            log.add(msg);
            LOG.warn("session {}: {}", id, msg);
            synchronized (this) {
                state = SessionState.ERROR;
                finishedAt = System.currentTimeMillis();
            }
        }
    }

    /**
     * Runs this session on a warm spare driver, already started (often ready) with this
     * session's Spark configuration and a namespace no statement has touched.
     */
    void startOn(DriverProcess spare) {
        String note = "livy-local: this session runs on the warm spare driver pid " + spare.pid()
                + ", started " + (System.currentTimeMillis() - spare.startedAt()) + " ms before it";
        log.add(note);
        LOG.info("session {}: {}", id, note.substring("livy-local: ".length()));
        attach(spare);
    }

    private void attach(DriverProcess d) {
        synchronized (this) {
            driver = d;
        }
        d.listen(new DriverProcess.Listener() {
            @Override
            public void event(JsonNode event) {
                onEvent(event);
            }

            @Override
            public void logLine(String line) {
                onLogLine(line);
            }

            @Override
            public void exited(int code) {
                onExit(code);
            }
        });
    }

    /** The Spark configuration this session's driver starts with: what a spare must have been started with. */
    Map<String, String> sparkConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", defaultMaster);
        putIf(conf, "spark.driver.memory", request.driverMemory());
        putIf(conf, "spark.driver.cores", request.driverCores());
        putIf(conf, "spark.executor.memory", request.executorMemory());
        putIf(conf, "spark.executor.cores", request.executorCores());
        putIf(conf, "spark.executor.instances", request.numExecutors());
        putIf(conf, "spark.yarn.queue", request.queue());
        putList(conf, "spark.jars", request.jars());
        putList(conf, "spark.submit.pyFiles", request.pyFiles());
        putList(conf, "spark.files", request.files());
        putList(conf, "spark.archives", request.archives());
        if (request.conf() != null) {
            conf.putAll(request.conf());
        }
        // On a shared host anyone who can reach the Spark UI's port could kill jobs from it.
        conf.putIfAbsent("spark.ui.killEnabled", "false");
        return conf;
    }

    private static void putIf(Map<String, String> conf, String key, Object value) {
        if (value != null && !(value instanceof Integer i && i == 0)) {
            conf.put(key, value.toString());
        }
    }

    private static void putList(Map<String, String> conf, String key, List<String> values) {
        if (values != null && !values.isEmpty()) {
            conf.put(key, String.join(",", values));
        }
    }

    /** DELETE, timeout or heartbeat expiry: {@code shutting_down}, kill the process tree, then {@code dead}. */
    CompletableFuture<Void> stop() {
        DriverProcess d;
        synchronized (this) {
            if (!state.isFinal()) {
                state = SessionState.SHUTTING_DOWN;
            }
            d = driver;
            notifyAll(); // held statement GETs answer now
        }
        CompletableFuture<Void> killed = d == null ? CompletableFuture.completedFuture(null) : d.killTree(3000);
        return killed.whenComplete((v, e) -> {
            synchronized (this) {
                state = SessionState.DEAD;
                if (finishedAt == 0) {
                    finishedAt = System.currentTimeMillis();
                }
                notifyAll();
            }
            completions.values().forEach(f -> f.complete(List.of()));
        });
    }

    // ---- events from the driver ---------------------------------------------------------------

    private void onEvent(JsonNode ev) {
        String type = ev.path("type").asText();
        switch (type) {
            case "ready" -> onReady(ev);
            case "fatal" -> onFatal(ev.path("message").asText());
            case "progress" -> onProgress(ev.path("id").asInt(), ev.path("progress").asDouble());
            case "result" -> onResult(ev.path("id").asInt(), ev.path("output"), ev.path("interrupted").asBoolean());
            case "completion" -> {
                CompletableFuture<List<String>> f = completions.remove(ev.path("rid").asInt());
                if (f != null) {
                    List<String> c = new ArrayList<>();
                    ev.path("candidates").forEach(n -> c.add(n.asText()));
                    f.complete(c);
                }
            }
            default -> LOG.warn("session {}: unknown driver event {}", id, type);
        }
    }

    private void onReady(JsonNode ev) {
        DriverProcess d;
        synchronized (this) {
            if (state != SessionState.STARTING) {
                return;
            }
            appId = ev.path("appId").isTextual() ? ev.path("appId").asText() : null;
            sparkUiUrl = ev.path("sparkUiUrl").isTextual() ? ev.path("sparkUiUrl").asText() : null;
            state = SessionState.IDLE;
            lastActivity = System.currentTimeMillis();
            d = driver;
            sendNextLocked();
        }
        LOG.info("session {}: ready in {} ms (Spark {}, app {}, UI {}, rss {} MiB)", id,
                System.currentTimeMillis() - createdAt, ev.path("sparkVersion").asText(), appId, sparkUiUrl,
                d == null ? -1 : d.treeRssKib() / 1024);
    }

    private void onFatal(String message) {
        synchronized (this) {
            if (state.isActive()) {
                state = SessionState.ERROR;
                finishedAt = System.currentTimeMillis();
            }
        }
        LOG.warn("session {}: driver failed: {}", id, message);
    }

    private synchronized void onProgress(int sid, double progress) {
        LocalStatement st = statements.get(sid);
        if (st != null && !st.state.isDone() && progress > st.progress) {
            st.progress = progress;
            notifyAll();
        }
    }

    private synchronized void onResult(int sid, JsonNode output, boolean interrupted) {
        LocalStatement st = statements.get(sid);
        if (running != null && running.id == sid) {
            running = null;
        }
        if (st != null) {
            st.output = output;
            st.completed = System.currentTimeMillis();
            st.progress = 1.0;
            st.state = st.state == StatementState.CANCELLING || interrupted
                    ? StatementState.CANCELLED : StatementState.AVAILABLE;
            notifyAll();
        }
        // Livy counts the REPL's busy→idle transition as activity.
        lastActivity = System.currentTimeMillis();
        sendNextLocked();
    }

    private void onLogLine(String line) {
        log.add(line);
        synchronized (recentStderr) {
            recentStderr.addLast(line);
            if (recentStderr.size() > 20) {
                recentStderr.removeFirst();
            }
        }
    }

    private void onExit(int code) {
        String tail;
        synchronized (recentStderr) {
            tail = String.join("\n", recentStderr);
        }
        synchronized (this) {
            if (state == SessionState.SHUTTING_DOWN || state.isFinal()) {
                return;
            }
            LOG.warn("session {}: driver exited with code {}", id, code);
            log.add("livy-local: the Python driver exited with code " + code);
            ObjectNode died = JsonNodeFactory.instance.objectNode();
            died.put("status", "error");
            died.put("ename", "Error");
            died.put("evalue", "Interpreter died:\n" + tail);
            died.putArray("traceback");
            List<LocalStatement> unfinished = new ArrayList<>(waiting);
            if (running != null) {
                unfinished.add(0, running);
            }
            for (LocalStatement st : unfinished) {
                ObjectNode out = died.deepCopy();
                out.put("execution_count", st.id);
                st.output = out;
                st.completed = System.currentTimeMillis();
                st.state = st.state == StatementState.CANCELLING ? StatementState.CANCELLED : StatementState.AVAILABLE;
            }
            waiting.clear();
            running = null;
            notifyAll();
            // A start failure keeps its "error" state (the log says why); anything else is dead.
            if (state != SessionState.ERROR) {
                state = SessionState.DEAD;
            }
            finishedAt = System.currentTimeMillis();
        }
        completions.values().forEach(f -> f.complete(List.of()));
    }

    /** Sends the next waiting statement, or goes idle. Caller holds the lock. */
    private void sendNextLocked() {
        if (running != null || !state.acceptsStatements()) {
            return;
        }
        LocalStatement next = waiting.pollFirst();
        if (next == null) {
            state = SessionState.IDLE;
            return;
        }
        running = next;
        synchronized (recentStderr) {
            recentStderr.clear(); // "Interpreter died" shows what this statement's process wrote last
        }
        next.state = StatementState.RUNNING;
        next.started = System.currentTimeMillis();
        notifyAll();
        state = SessionState.BUSY;
        Map<String, Object> req = new HashMap<>();
        req.put("op", "execute");
        req.put("id", next.id);
        req.put("code", next.code);
        req.put("kind", next.kind.json());
        driver.send(req); // if Python is gone, onExit reports the statement
    }

    // ---- requests -----------------------------------------------------------------------------

    synchronized LocalStatement.Json submit(LivyRequests.Statement body) {
        if (!state.acceptsStatements()) {
            throw HttpError.notReady(state);
        }
        SessionKind k;
        if (body.kind() == null) {
            if (kind == SessionKind.SHARED) {
                throw HttpError.bare(500, "java.lang.IllegalArgumentException: "
                        + "Code type should be specified if session kind is shared");
            }
            k = kind;
        } else {
            k = SessionKind.parse(body.kind());
        }
        if (!k.runnable()) {
            throw HttpError.bare(500, "java.lang.IllegalArgumentException: Code type " + k.json()
                    + " is not supported by the local endpoint (use pyspark or sql)");
        }
        recordActivity();
        LocalStatement st = new LocalStatement(nextStatementId++, body.code() == null ? "" : body.code(), k);
        statements.put(st.id, st);
        totalStatements++;
        evictOldStatements();
        waiting.addLast(st);
        sendNextLocked();
        return st.toJson();
    }

    private void evictOldStatements() {
        var it = statements.values().iterator();
        while (statements.size() > retainedStatements && it.hasNext()) {
            LocalStatement st = it.next();
            if (st.state.isDone()) {
                it.remove();
            } else {
                break;
            }
        }
    }

    synchronized LocalStatement.Json statement(int sid) {
        requireActive();
        LocalStatement st = statements.get(sid);
        if (st == null) {
            throw HttpError.bare(404, "Statement not found");
        }
        return st.toJson();
    }

    /** A held GET reports a running statement's new progress this often at most (progress bars without a Spark UI). */
    static final long PROGRESS_EVERY_MILLIS = 500;

    /**
     * Holds the caller until statement {@code sid} leaves the state it is in now, its progress
     * has changed and {@link #PROGRESS_EVERY_MILLIS} have passed, the session stops, or
     * {@code waitMillis} passes; at once for a finished or unknown statement. Every change of a
     * statement's state or progress notifies this session's monitor.
     */
    synchronized void awaitStatementChange(int sid, long waitMillis) {
        LocalStatement st = statements.get(sid);
        if (st == null) {
            return;
        }
        StatementState seen = st.state;
        double seenProgress = st.progress;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (st.state == seen && !seen.isDone() && state.isActive()) {
            long now = System.nanoTime();
            long held = TimeUnit.NANOSECONDS.toMillis(now - start);
            boolean moved = st.progress != seenProgress;
            if (moved && held >= PROGRESS_EVERY_MILLIS) {
                return;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - now);
            if (left <= 0) {
                return;
            }
            try {
                wait(Math.max(1, moved ? Math.min(left, PROGRESS_EVERY_MILLIS - held) : left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server is stopping: answer what there is
                return;
            }
        }
    }

    /** Livy's statement list: {@code from}, {@code size} (default all), {@code order=desc}. */
    synchronized Map<String, Object> statements(int from, Integer size, boolean desc) {
        requireActive();
        List<LocalStatement.Json> all = new ArrayList<>();
        statements.values().forEach(st -> all.add(st.toJson()));
        if (desc) {
            Collections.reverse(all);
        }
        int start = Math.min(Math.max(0, from), all.size());
        int end = size == null || size < 0 ? all.size() : (int) Math.min((long) start + size, all.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total_statements", all.size());
        body.put("statements", all.subList(start, end));
        return body;
    }

    /**
     * Livy answers 400 "Session isn't active" to statement reads of inactive sessions. We still
     * serve them for a session that died by itself, so a client polling the statement that
     * crashed Python gets its "Interpreter died" output instead of an opaque 400.
     */
    private void requireActive() {
        if (state == SessionState.SHUTTING_DOWN) {
            throw HttpError.notActive();
        }
    }

    /** Cancel: a waiting statement is cancelled at once; a running one is interrupted in Python. */
    void cancel(int sid) {
        DriverProcess d = null;
        synchronized (this) {
            if (!state.acceptsStatements()) {
                throw HttpError.notReady(state);
            }
            recordActivity();
            LocalStatement st = statements.get(sid);
            if (st == null || st.state.isDone()) {
                return;
            }
            if (st.state == StatementState.WAITING) {
                waiting.remove(st);
                st.state = StatementState.CANCELLED;
                st.completed = System.currentTimeMillis();
                notifyAll();
                return;
            }
            if (st.state == StatementState.RUNNING) {
                st.state = StatementState.CANCELLING;
                d = driver;
                notifyAll();
            }
        }
        if (d != null) {
            d.send(Map.of("op", "cancel", "id", sid));
        }
    }

    /** Completion runs in a helper thread of the driver, so it answers even while a statement runs. */
    List<String> complete(LivyRequests.Completion body) {
        DriverProcess d;
        synchronized (this) {
            if (!state.acceptsStatements()) {
                throw HttpError.notReady(state);
            }
            recordActivity();
            d = driver;
        }
        if (body.kind() != null && SessionKind.parse(body.kind()) == SessionKind.SQL) {
            return List.of();
        }
        int rid = completionIds.incrementAndGet();
        CompletableFuture<List<String>> f = new CompletableFuture<>();
        completions.put(rid, f);
        Map<String, Object> req = new HashMap<>();
        req.put("op", "complete");
        req.put("rid", rid);
        req.put("code", body.code() == null ? "" : body.code());
        req.put("cursor", body.cursor() == null ? -1 : body.cursor());
        d.send(req);
        try {
            return f.get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            return List.of();
        } finally {
            completions.remove(rid);
        }
    }

    // ---- activity, heartbeat, views -----------------------------------------------------------

    /** Resets the idle timer (Livy's recordActivity). */
    void recordActivity() {
        lastActivity = System.currentTimeMillis();
    }

    /** Pushes the heartbeat deadline when the session was created with a heartbeat timeout. */
    void heartbeat() {
        Integer hb = request.heartbeatTimeoutInSecond();
        if (hb != null && hb > 0) {
            heartbeatDeadline = System.currentTimeMillis() + hb * 1000L;
        }
    }

    boolean heartbeatExpired(long now) {
        return heartbeatDeadline > 0 && now > heartbeatDeadline;
    }

    /**
     * Unlike Livy, a session still starting is not reaped for idleness: on a loaded machine a
     * start can outlast a short timeout, and the client has had no chance to use it yet.
     */
    boolean idleExpired(long now) {
        SessionState s = state();
        return idleTimeout != null && !idleTimeout.isZero() && !idleTimeout.isNegative()
                && s.isActive() && s != SessionState.STARTING && now - lastActivity > idleTimeout.toMillis();
    }

    /** A session that finished by itself (crash, start failure) is dropped after the retention time. */
    boolean retentionExpired(long now, Duration retention) {
        SessionState s = state();
        return (s == SessionState.DEAD || s == SessionState.ERROR) && finishedAt > 0
                && now - finishedAt > retention.toMillis();
    }

    long lastActivity() {
        return lastActivity;
    }

    synchronized SessionState state() {
        return state;
    }

    LogBuffer log() {
        return log;
    }

    synchronized DriverProcess driver() {
        return driver;
    }

    @JsonPropertyOrder({"driverLogUrl", "sparkUiUrl", "executorLogUrls"})
    record AppInfo(String driverLogUrl, String sparkUiUrl, Map<String, String> executorLogUrls) {
    }

    /** Livy master's SessionInfo. */
    @JsonPropertyOrder({"id", "name", "appId", "owner", "proxyUser", "state", "kind", "appInfo", "log", "ttl",
        "idleTimeout", "driverMemory", "driverCores", "executorMemory", "executorCores", "conf", "archives",
        "files", "heartbeatTimeoutInSecond", "jars", "numExecutors", "pyFiles", "queue"})
    record Json(int id, String name, String appId, String owner, String proxyUser, SessionState state, String kind,
                AppInfo appInfo, List<String> log, String ttl, String idleTimeout, String driverMemory,
                int driverCores, String executorMemory, int executorCores, Map<String, String> conf,
                List<String> archives, List<String> files, int heartbeatTimeoutInSecond, List<String> jars,
                int numExecutors, List<String> pyFiles, String queue) {
    }

    synchronized Json toJson() {
        LivyRequests.CreateSession r = request;
        return new Json(id, name, appId, owner, r.proxyUser(), state, kind.json(),
                new AppInfo(null, sparkUiUrl, null), log.tail(10), r.ttl(), r.idleTimeout(), r.driverMemory(),
                orZero(r.driverCores()), r.executorMemory(), orZero(r.executorCores()),
                r.conf() == null ? Map.of() : r.conf(), orEmpty(r.archives()), orEmpty(r.files()),
                orZero(r.heartbeatTimeoutInSecond()), orEmpty(r.jars()), orZero(r.numExecutors()),
                orEmpty(r.pyFiles()), r.queue());
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }
}
