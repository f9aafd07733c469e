package livykernel.execution;

import livykernel.display.Errors;
import livykernel.display.SessionStatus;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.kernel.RequestContext;
import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import livykernel.livy.Poller;
import livykernel.livy.PollingPolicy;
import livykernel.livy.Session;
import livykernel.livy.Statement;
import livykernel.livy.StatementOutput;
import livykernel.session.SessionLoss;
import livykernel.session.SessionManager;
import livykernel.session.SessionStartException;
import livykernel.session.StartObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs code as one statement of the kernel's Livy session and follows it to the end: starts
 * the session if needed (showing its status), submits, then follows the statement in one
 * polling loop that also rides out Livy outages, cancels on interrupt (the statement, never the
 * session) and keeps a long statement's session from being reaped. Hidden helper statements
 * (completion, inspection) go through the same loop on their own schedule.
 */
public final class StatementRunner {

    private static final Logger LOG = LoggerFactory.getLogger(StatementRunner.class);
    /** How long a cancelled statement may stay "cancelling" before the cell gives up waiting. */
    private static final long CANCEL_WAIT_MILLIS = 10_000;
    /** POST /connect this often during a long statement: GET polls do not reset Livy's idle timer. */
    private static final long KEEPALIVE_MILLIS = 60_000;
    /**
     * How long one held GET may wait for the statement to change, on an endpoint that grants it:
     * well inside the keep-alive period, and short enough that a lost wake-up costs little.
     */
    static final long HOLD_MILLIS = 20_000;
    /**
     * How long a running statement is still followed while Livy does not answer (a Livy restart
     * with session recovery, a load balancer failing over, a network blip): the statement keeps
     * running on the cluster, so giving up at the first failed poll would lose its output.
     */
    static final long OUTAGE_LIMIT_MILLIS = 120_000;

    private final SessionManager sessions;
    private final Supplier<LivyClient> client;
    private final Poller poller;
    private final PollingPolicy policy;
    private final List<String> startupNotices;
    private final StatementListener listener;
    private final boolean autoRecreate;
    private final SessionCells cells;
    private volatile boolean shuttingDown;
    private boolean noticesShown;
    private long outageLimitMillis = OUTAGE_LIMIT_MILLIS;
    /** How long the first cell of a new session waits for its setup (the REPL's Python may still be starting). */
    private static final Duration SETUP_BUDGET = Duration.ofSeconds(60);
    private String sessionSetup;
    private int setUpSession = -1;

    public StatementRunner(SessionManager sessions, Supplier<LivyClient> client, ScheduledExecutorService scheduler,
                           PollingPolicy policy, List<String> startupNotices, StatementListener listener) {
        this(sessions, client, scheduler, policy, startupNotices, listener, true, new SessionCells());
    }

    /**
     * {@code autoRecreate}: when the session is found gone before a cell's statement ran, start a
     * new one and run the cell there; {@code cells} records what ran, for {@code %%replay}.
     */
    public StatementRunner(SessionManager sessions, Supplier<LivyClient> client, ScheduledExecutorService scheduler,
                           PollingPolicy policy, List<String> startupNotices, StatementListener listener,
                           boolean autoRecreate, SessionCells cells) {
        this.autoRecreate = autoRecreate;
        this.cells = cells;
        this.sessions = sessions;
        this.client = client;
        this.poller = new Poller(scheduler);
        this.policy = policy;
        this.startupNotices = List.copyOf(startupNotices);
        this.listener = listener;
    }

    /**
     * Python run as a hidden statement in every new session before its first statement (the
     * display() helpers); a new session is one whose id differs from the last one set up.
     */
    public StatementRunner sessionSetup(String code) {
        this.sessionSetup = code;
        return this;
    }

    /** For tests: a shorter limit for riding out a Livy outage. */
    StatementRunner outageLimit(long millis) {
        this.outageLimitMillis = millis;
        return this;
    }

    /**
     * Runs {@code code} as one statement, publishing for the cell through {@code out}, and hands
     * the finished output to {@code finish} (the default mapping, or a magic's own rendering).
     * {@code kind} may be null.
     */
    public CellResult run(String code, String kind, CellOutput out, Function<StatementOutput, CellResult> finish)
            throws InterruptedException {
        return run(code, kind, code, out, finish);
    }

    /** Like {@link #run(String, String, CellOutput, Function)}; {@code label} is what %%replay lists it as. */
    public CellResult run(String code, String kind, String label, CellOutput out,
                          Function<StatementOutput, CellResult> finish) throws InterruptedException {
        RequestContext request = out.context();
        if (!noticesShown && !startupNotices.isEmpty()) {
            noticesShown = true;
            out.stream("stderr", String.join("\n", startupNotices) + "\n");
        }
        if (code.isBlank()) {
            return CellResult.success();
        }
        if (sessions.current() == null) {
            // Found gone outside a cell (%%info, completion): this cell is the first to meet it.
            Optional<SessionLoss> untold = sessions.takeUntoldLoss();
            if (untold.isPresent()) {
                cells.lost(untold.get().sessionId());
                out.stream("stderr", Errors.newSessionNotice(LossWords.why(untold.get()), cells.replayable(),
                        LossWords.logsAt(untold.get())) + "\n");
            }
        }
        LivyClient livy = client.get();
        Session session = null;
        Statement statement = null;
        // Twice at most: a session found gone at submit is replaced once, then the cell runs or fails.
        for (int attempt = 0; statement == null; attempt++) {
            try {
                session = startSession(out);
            } catch (SessionStartException e) {
                return Errors.sessionStart(e.getMessage());
            } catch (InterruptedException e) {
                return Errors.interrupted("The Spark session was still starting; it keeps starting in the background.");
            }
            // Found gone while starting this cell (Livy restarted and reused the id): said before it runs.
            Optional<SessionLoss> replaced = sessions.takeUntoldLoss();
            if (replaced.isPresent()) {
                cells.lost(replaced.get().sessionId());
                out.stream("stderr", Errors.newSessionNotice(LossWords.why(replaced.get()), cells.replayable()) + "\n");
            }
            if (interrupted(request)) {
                return Errors.interrupted("The cell was not run.");
            }
            setUp(session, request);
            if (interrupted(request)) {
                return Errors.interrupted("The cell was not run.");
            }
            try {
                statement = livy.submitStatement(session.id(), code, kind);
                sessions.statementSubmitted();
            } catch (LivyException e) {
                Optional<SessionLoss> loss = sessions.lossBy(e, false);
                if (loss.isEmpty()) {
                    return Errors.livy("Could not submit the cell to Livy: " + e.getMessage());
                }
                cells.lost(loss.get().sessionId());
                String why = LossWords.why(loss.get());
                String logsAt = LossWords.logsAt(loss.get());
                if (!autoRecreate || attempt > 0) {
                    return Errors.sessionLostBeforeRun(why, cells.replayable(), logsAt);
                }
                out.stream("stderr", Errors.newSessionNotice(why, cells.replayable(), logsAt) + "\n");
            }
        }
        return follow(session, statement, new SessionCells.Ran(code, kind, label), out, request, finish);
    }

    private CellResult follow(Session session, Statement statement, SessionCells.Ran ran, CellOutput out,
                              RequestContext request, Function<StatementOutput, CellResult> finish)
            throws InterruptedException {
        LivyClient livy = client.get();
        tell(() -> listener.started(session, statement, out));
        Follow follow = new Follow(livy, session, statement, out, request);
        Ending ending;
        try {
            ending = statement.isFinished() ? new Ending.Finished(statement) : follow(follow, request);
        } finally {
            Statement last = follow.current;
            tell(() -> listener.finished(last, out));
        }
        if (ending instanceof Ending.Failed f) {
            return failure(f.error(), f.what());
        }
        if (ending instanceof Ending.Interrupted i) {
            return Errors.interrupted(i.detail());
        }
        Statement done = ((Ending.Finished) ending).statement();
        sessions.statementEnded();
        if ("cancelled".equals(done.state())) {
            return Errors.interrupted("The statement was cancelled; the Spark session is still usable.");
        }
        CellResult result = finish.apply(done.output());
        if (done.output() != null && done.output().isError()) {
            // An interpreter that died reports an error output; only Livy's state says whether the session survived.
            Optional<SessionLoss> loss = sessions.lossAfterError();
            if (loss.isPresent()) {
                cells.lost(loss.get().sessionId());
                return Errors.sessionLostWhileRunning(LossWords.why(loss.get()), cells.replayable(), result,
                        LossWords.logsAt(loss.get()));
            }
        } else if (done.output() != null && result.ok()) {
            cells.ran(session.id(), ran);
        }
        return result;
    }

    /** What ran in this kernel's sessions, for %%replay. */
    public SessionCells cells() {
        return cells;
    }

    /**
     * Starts the session now if there is none (showing its status in the cell), for magics such
     * as {@code %%configure -f}; an interrupt of the cell stops the wait, not the start.
     */
    public Session startSession(CellOutput out) throws SessionStartException, InterruptedException {
        RequestContext request = out.context();
        return sessions.ensureSession(new StatusLine(out), () -> interrupted(request));
    }

    private Ending follow(Follow follow, RequestContext request) throws InterruptedException {
        LivyClient livy = follow.livy;
        // Asked afresh before every poll: only an endpoint whose last answer granted held GETs gets one.
        Poller.Schedule schedule = elapsed -> livy.statementWaitMaxMillis() > 0
                ? PollingPolicy.HELD.nextDelayMillis(elapsed) : policy.nextDelayMillis(elapsed, follow.current.progress());
        Poller.Following<Ending> following = poller.follow(schedule, follow);
        try (RequestContext.Registration wake = request.onInterrupt(following::wake)) {
            return following.await();
        }
    }

    /** How following a statement ended. */
    private sealed interface Ending {
        record Finished(Statement statement) implements Ending {
        }

        record Interrupted(String detail) implements Ending {
        }

        record Failed(LivyException error, String what) implements Ending {
        }
    }

    /** One poll of the running statement: its outage, cancel and keep-alive clocks live here. */
    private final class Follow implements Poller.Step<Ending> {
        private final LivyClient livy;
        private final Session session;
        private final CellOutput out;
        private final RequestContext request;
        private final LivyClient.HeldStatement held;
        private volatile Statement current;
        private boolean cancelSent;
        private long cancelSentAt = -1;
        private long cancelSeenAt = -1;
        private long outageSince = -1;
        private long lastKeepAlive;

        Follow(LivyClient livy, Session session, Statement statement, CellOutput out, RequestContext request) {
            this.livy = livy;
            this.session = session;
            this.current = statement;
            this.out = out;
            this.request = request;
            this.held = livy.holdStatement(session.id(), statement.id());
        }

        @Override
        public void abortPoll() {
            held.abort();
        }

        /** A held GET outlasts neither the cancel wait nor the keep-alive period. */
        private long holdMillis(long elapsed) {
            if (cancelSent) {
                return Math.max(1, CANCEL_WAIT_MILLIS - (elapsed - cancelSentAt) + 1);
            }
            return HOLD_MILLIS;
        }

        @Override
        public Ending poll(long elapsed) {
            boolean interrupted = interrupted(request);
            if (interrupted && !cancelSent) {
                cancelSent = true;
                cancelSentAt = elapsed;
                cancel();
            }
            Statement polled;
            boolean holding = livy.statementWaitMaxMillis() > 0;
            try {
                polled = holding ? held.next(holdMillis(elapsed)) : livy.getStatement(session.id(), current.id());
            } catch (LivyException e) {
                return outage(e, elapsed, interrupted);
            }
            if (polled == null) {
                return null; // an interrupt ended the held GET: the next poll comes at once and cancels
            }
            if (outageSince >= 0) {
                outageSince = -1;
                out.stream("stderr", "Livy answers again; still following the statement.\n");
            }
            current = polled;
            tell(() -> listener.polled(polled));
            if (polled.isFinished()) {
                return new Ending.Finished(polled);
            }
            if (interrupted && cancelSeenAt < 0) {
                // A held GET may have waited out the cancel already: its clock starts at the cancel.
                cancelSeenAt = holding ? cancelSentAt : elapsed;
            }
            if (cancelSeenAt >= 0 && elapsed - cancelSeenAt > CANCEL_WAIT_MILLIS) {
                return new Ending.Interrupted("Livy is still cancelling the statement (driver-side Python code cannot "
                        + "always be stopped); later cells wait until it ends.");
            }
            if (elapsed - lastKeepAlive > KEEPALIVE_MILLIS) {
                lastKeepAlive = elapsed;
                keepAlive();
            }
            return null;
        }

        private Ending outage(LivyException e, long elapsed, boolean interrupted) {
            // A garbled answer to a GET (a gateway's error page, a body cut short) is as passing as a 503:
            // the statement keeps running, so it is followed again rather than lost.
            boolean outage = e.isUnreachable() || e.isMalformedAnswer()
                    || e.status() == 502 || e.status() == 503 || e.status() == 504;
            if (outage && outageSince < 0) {
                outageSince = elapsed;
                out.stream("stderr", "Livy is not answering as expected (" + e.getMessage() + "). The statement keeps running on "
                        + "the cluster; waiting up to " + outageLimitMillis / 1000 + " s for Livy to come back.\n");
            }
            if (outage && interrupted) {
                return new Ending.Interrupted("Livy did not answer, so the statement could not be cancelled; "
                        + "it may still be running on the cluster.");
            }
            if (!outage) {
                return new Ending.Failed(e, "Lost track of the running cell");
            }
            long down = elapsed - outageSince;
            if (down > outageLimitMillis) {
                return new Ending.Failed(e, "Lost track of the running cell: Livy did not answer for " + down / 1000 + " s");
            }
            return null;
        }

        private void cancel() {
            try {
                // Never /sessions/{id}/interrupt: on Livy that stops the whole session.
                livy.cancelStatement(session.id(), current.id());
                LOG.info("cancel requested for statement {} of session {}", current.id(), session.id());
            } catch (LivyException e) {
                LOG.warn("cancel of statement {} failed: {}", current.id(), e.getMessage());
            }
        }

        private void keepAlive() {
            try {
                livy.connect(session.id());
            } catch (LivyException e) {
                LOG.debug("keep-alive for session {} failed: {}", session.id(), e.getMessage());
            }
        }
    }

    /**
     * Runs a short helper statement that the user never sees (completion, inspection): only when
     * the session is ready and idle (a busy one would make the user wait), no progress, no
     * outputs, and nothing once {@code budget} is spent.
     */
    public Optional<StatementOutput> hidden(String code, Duration budget) {
        return hidden(code, budget, RequestContext.detached());
    }

    /** As {@link #hidden(String, Duration)}; an interrupt of {@code request} stops the wait at once. */
    Optional<StatementOutput> hidden(String code, Duration budget, RequestContext request) {
        long deadline = System.nanoTime() + budget.toNanos();
        Session known = sessions.current();
        if (known == null || !known.isReady()) {
            return Optional.empty();
        }
        try {
            Session now = sessions.refresh(remaining(deadline));
            if (now == null || !"idle".equals(now.state())) {
                return Optional.empty();
            }
            LivyClient livy = client.get().withCallTimeout(remaining(deadline));
            Statement submitted = livy.submitStatement(now.id(), code, null);
            if (submitted.isFinished()) {
                return Optional.ofNullable("available".equals(submitted.state()) ? submitted.output() : null);
            }
            Poller.Following<Optional<StatementOutput>> following = poller.follow(PollingPolicy.HIDDEN, elapsed -> {
                Statement st = livy.getStatement(now.id(), submitted.id());
                if (st.isFinished()) {
                    return Optional.ofNullable("available".equals(st.state()) ? st.output() : null);
                }
                if (interrupted(request)) {
                    return Optional.empty();
                }
                if (System.nanoTime() >= deadline) {
                    // Out of time: the session was slower than the user should wait. Let it go.
                    LOG.debug("hidden statement {} still {} at its deadline", st.id(), st.state());
                    return Optional.empty();
                }
                return null;
            });
            try (RequestContext.Registration wake = request.onInterrupt(following::wake)) {
                return following.await();
            }
        } catch (LivyException e) {
            LOG.debug("hidden statement failed: {}", e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private void setUp(Session session, RequestContext request) {
        if (sessionSetup == null || session.id() == setUpSession) {
            return;
        }
        // Only a statement that ran counts: a busy session (a cancelled cell still ending) is tried
        // again next cell, and so is one whose wait the user interrupted.
        Optional<StatementOutput> done = hidden(sessionSetup, SETUP_BUDGET, request);
        if (done.isPresent()) {
            setUpSession = session.id();
            if (done.get().isError()) {
                LOG.warn("session {} setup failed: {}: {}", session.id(), done.get().ename(), done.get().evalue());
            }
        } else {
            LOG.info("session {} setup did not run yet; trying again before the next statement", session.id());
        }
    }

    private static Duration remaining(long deadline) {
        // Never zero: OkHttp reads a zero call timeout as "no timeout".
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /**
     * A Livy failure while following a cell's statement; a vanished session is explained and
     * forgotten (the next cell starts one), never re-run: the statement may have had effects.
     */
    private CellResult failure(LivyException e, String what) {
        Optional<SessionLoss> loss = sessions.lossBy(e, true);
        if (loss.isPresent()) {
            cells.lost(loss.get().sessionId());
            return Errors.sessionLostWhileRunning(LossWords.why(loss.get()), cells.replayable(), null,
                    LossWords.logsAt(loss.get()));
        }
        return Errors.livy(what + ": " + e.getMessage());
    }

    private boolean interrupted(RequestContext request) {
        return shuttingDown || request.isInterrupted();
    }

    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("statement listener failed", e);
        }
    }

    /** Stops following (the kernel is going away) and deletes the session. */
    public void shutdown() {
        shuttingDown = true;
        sessions.close();
    }

    /** Shows a starting session's state in the cell, updated in place until it is ready. */
    private static final class StatusLine implements StartObserver {
        private final CellOutput out;
        private final String displayId = "livy-session-" + UUID.randomUUID();

        StatusLine(CellOutput out) {
            this.out = out;
        }

        @Override
        public void starting(Session session) {
            out.display(SessionStatus.starting(session), Map.of(), displayId);
        }

        @Override
        public void stateChanged(Session session) {
            out.updateDisplay(SessionStatus.starting(session), Map.of(), displayId);
        }

        @Override
        public void ready(Session session, Duration took) {
            out.updateDisplay(SessionStatus.ready(session, took), Map.of(), displayId);
        }

        @Override
        public void failed(Session session) {
            out.updateDisplay(SessionStatus.failed(session), Map.of(), displayId);
        }
    }
}
