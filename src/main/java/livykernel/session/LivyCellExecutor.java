package livykernel.session;

import livykernel.display.OutputMapper;
import livykernel.kernel.Cell;
import livykernel.kernel.CellExecutor;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import livykernel.livy.PollingPolicy;
import livykernel.livy.Session;
import livykernel.livy.Statement;
import livykernel.livy.StatementOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Runs a cell as one statement of the kernel's Livy session: submit, poll adaptively, map the
 * output. Interrupt cancels the statement (never the session).
 */
public final class LivyCellExecutor implements CellExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(LivyCellExecutor.class);
    /** How long a cancelled statement may stay "cancelling" before the cell gives up waiting. */
    private static final long CANCEL_WAIT_MILLIS = 10_000;
    /** POST /connect this often during a long statement: GET polls do not reset Livy's idle timer. */
    private static final long KEEPALIVE_MILLIS = 60_000;
    /**
     * How long a running statement is still followed while Livy does not answer (a Livy restart
     * with session recovery, a load balancer failing over, a network blip): the statement keeps
     * running on the cluster, so giving up at the first failed poll would lose its output.
     */
    static final long OUTAGE_LIMIT_MILLIS = 120_000;

    private final SessionManager sessions;
    private final PollingPolicy polling;
    private final OutputMapper outputs;
    private final ExecutorService background;
    private final List<String> startupNotices;
    private final StatementListener listener;

    private volatile boolean shuttingDown;
    private volatile livykernel.kernel.RequestContext context = livykernel.kernel.RequestContext.detached();
    private volatile Running running;
    private boolean noticesShown;
    private long outageLimitMillis = OUTAGE_LIMIT_MILLIS;

    private record Running(int sessionId, int statementId) {
    }

    public LivyCellExecutor(SessionManager sessions, PollingPolicy polling, OutputMapper outputs,
                            ExecutorService background, List<String> startupNotices) {
        this(sessions, polling, outputs, background, startupNotices, StatementListener.NONE);
    }

    public LivyCellExecutor(SessionManager sessions, PollingPolicy polling, OutputMapper outputs,
                            ExecutorService background, List<String> startupNotices, StatementListener listener) {
        this.listener = listener;
        this.sessions = sessions;
        this.polling = polling;
        this.outputs = outputs;
        this.background = background;
        this.startupNotices = List.copyOf(startupNotices);
    }

    /** For tests: a shorter limit for riding out a Livy outage. */
    LivyCellExecutor outageLimit(long millis) {
        this.outageLimitMillis = millis;
        return this;
    }

    @Override
    public CellResult execute(Cell cell, CellOutput out) throws InterruptedException {
        return run(cell.code(), null, out, output -> outputs.publish(output, out));
    }

    /**
     * Runs {@code code} as one statement exactly like a cell (session start, progress, interrupt,
     * lost-session handling) but hands the finished output to {@code finish} instead of the
     * default mapping; magics such as %%sql render it themselves. {@code kind} may be null.
     */
    public CellResult run(String code, String kind, CellOutput out, Function<StatementOutput, CellResult> finish)
            throws InterruptedException {
        context = out.context();
        if (!noticesShown && !startupNotices.isEmpty()) {
            noticesShown = true;
            out.stream("stderr", String.join("\n", startupNotices) + "\n");
        }
        if (code.isBlank()) {
            return CellResult.success();
        }
        Session session;
        try {
            session = sessions.ensureSession(out, () -> interruptRequested());
        } catch (SessionStartException e) {
            return CellResult.error("SessionError", e.getMessage(), List.of());
        } catch (InterruptedException e) {
            return interrupted("The Spark session was still starting; it keeps starting in the background.");
        }
        if (interruptRequested()) {
            return interrupted("The cell was not run.");
        }
        LivyClient client = sessions.client();
        Statement statement;
        try {
            statement = client.submitStatement(session.id(), code, kind);
        } catch (LivyException e) {
            return failure(session, e, "Could not submit the cell to Livy");
        }
        running = new Running(session.id(), statement.id());
        try (livykernel.kernel.RequestContext.Registration cancel = out.context().onInterrupt(this::requestCancel)) {
            notify(() -> listener.started(session, statement, out));
            return await(client, session, statement, out, finish);
        } finally {
            running = null;
        }
    }

    private CellResult await(LivyClient client, Session session, Statement statement, CellOutput out,
                             Function<StatementOutput, CellResult> finish) throws InterruptedException {
        long start = System.nanoTime();
        long lastKeepAlive = start;
        long cancelSeenAt = 0;
        long outageSince = 0;
        Statement current = statement;
        while (!current.isFinished()) {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            Thread.sleep(polling.nextDelayMillis(elapsed));
            try {
                current = client.getStatement(session.id(), statement.id());
            } catch (LivyException e) {
                boolean outage = e.isUnreachable() || e.status() == 502 || e.status() == 503 || e.status() == 504;
                long now = System.nanoTime();
                if (outage && outageSince == 0) {
                    outageSince = now;
                    out.stream("stderr", "Livy is not answering (" + e.getMessage() + "). The statement keeps running on "
                            + "the cluster; waiting up to " + outageLimitMillis / 1000 + " s for Livy to come back.\n");
                }
                if (!outage || interruptRequested() || (now - outageSince) / 1_000_000 > outageLimitMillis) {
                    Statement last = current;
                    notify(() -> listener.finished(last, out));
                    if (outage && interruptRequested()) {
                        return interrupted("Livy did not answer, so the statement could not be cancelled; "
                                + "it may still be running on the cluster.");
                    }
                    return failure(session, e, outage ? "Lost track of the running cell: Livy did not answer for "
                            + (now - outageSince) / 1_000_000_000 + " s" : "Lost track of the running cell");
                }
                continue;
            }
            if (outageSince != 0) {
                outageSince = 0;
                out.stream("stderr", "Livy answers again; still following the statement.\n");
            }
            Statement polled = current;
            notify(() -> listener.polled(polled));
            if (interruptRequested() && cancelSeenAt == 0) {
                cancelSeenAt = System.nanoTime();
            }
            if (cancelSeenAt != 0 && !current.isFinished()
                    && (System.nanoTime() - cancelSeenAt) / 1_000_000 > CANCEL_WAIT_MILLIS) {
                Statement last = current;
                notify(() -> listener.finished(last, out));
                return interrupted("Livy is still cancelling the statement (driver-side Python code cannot always be "
                        + "stopped); later cells wait until it ends.");
            }
            if ((System.nanoTime() - lastKeepAlive) / 1_000_000 > KEEPALIVE_MILLIS) {
                lastKeepAlive = System.nanoTime();
                keepAlive(client, session.id());
            }
        }
        Statement last = current;
        notify(() -> listener.finished(last, out));
        if ("cancelled".equals(current.state())) {
            return interrupted("The statement was cancelled; the Spark session is still usable.");
        }
        CellResult result = finish.apply(current.output());
        if (!result.ok() && "Error".equals(result.ename()) && result.evalue().startsWith("Interpreter died")) {
            checkSessionAlive(client, session);
        }
        return result;
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("statement listener failed", e);
        }
    }

    private void keepAlive(LivyClient client, int sessionId) {
        background.submit(() -> {
            try {
                client.connect(sessionId);
            } catch (LivyException e) {
                LOG.debug("keep-alive for session {} failed: {}", sessionId, e.getMessage());
            }
        });
    }

    private void checkSessionAlive(LivyClient client, Session session) {
        try {
            Session now = client.getSession(session.id());
            if (now.isFinished() || "error".equals(now.state())) {
                sessions.forget();
            }
        } catch (LivyException e) {
            if (e.isNotFound()) {
                sessions.forget();
            }
        }
    }

    /** Turns a Livy failure during a cell into an error; a vanished session is forgotten so the next cell starts one. */
    private CellResult failure(Session session, LivyException e, String what) {
        if (e.isNotFound() || e.isSessionNotUsable()) {
            sessions.forget();
            return CellResult.error("SessionLost", "The Spark session " + session.id()
                    + " is gone (Livy may have reaped it after its idle timeout, or it died): " + e.getMessage()
                    + " Its variables are lost; the next cell starts a new session.", List.of());
        }
        return CellResult.error("LivyError", what + ": " + e.getMessage(), List.of());
    }

    private static CellResult interrupted(String detail) {
        return CellResult.error("KeyboardInterrupt", "Interrupted by user. " + detail, List.of("KeyboardInterrupt: " + detail));
    }

    private boolean interruptRequested() {
        return shuttingDown || context.isInterrupted();
    }

    private void requestCancel() {
        Running r = running;
        if (r == null) {
            return;
        }
        background.submit(() -> {
            try {
                // Never /sessions/{id}/interrupt: on Livy that stops the whole session.
                sessions.client().cancelStatement(r.sessionId(), r.statementId());
                LOG.info("cancel requested for statement {} of session {}", r.statementId(), r.sessionId());
            } catch (LivyException e) {
                LOG.warn("cancel of statement {} failed: {}", r.statementId(), e.getMessage());
            }
        });
    }

    @Override
    public void shutdown(boolean restart) {
        shuttingDown = true;
        sessions.delete();
    }
}
