package livykernel.progress;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CommManager;
import livykernel.livy.Session;
import livykernel.livy.Statement;
import livykernel.execution.StatementListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Shows Spark job progress for each statement (widget, text line, sparkmonitor feed) according to
 * {@link ProgressSettings}. Called on the execution thread; all polling and rendering runs on its
 * own scheduler thread, and failures are logged, never thrown. With mode OFF nothing is polled.
 */
public final class ProgressReporter implements StatementListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);
    /** First poll soon after submit; then a few per second, fewer for long statements. */
    static final long FIRST_POLL_MS = 200;
    static final long FAST_POLL_MS = 250;
    static final long SLOW_POLL_MS = 500;
    static final long FAST_PHASE_MS = 10_000;
    /**
     * The longest the cell's reply waits for the final snapshot (typically a few ms; a busy driver's
     * Spark UI can take a second): one that comes later still updates the display, but a notebook
     * run by nbclient or papermill, saved at the reply, would keep the running bar.
     */
    static final long FINAL_WAIT_MS = 2000;
    /**
     * With sparkmonitor showing the jobs, longer: a row whose counts went stale is rebuilt only while
     * the cell is busy, so on a loaded machine (a first Spark UI request of hundreds of ms) the
     * reply waits for the final snapshot rather than leave a COMPLETED job showing "0/1 (1 active)".
     */
    static final long FINAL_WAIT_SPARKMONITOR_MS = 3000;
    /**
     * How long sparkmonitor and the snapshot are kept informed about jobs still ending after their
     * statement did (a cancelled job ends in Spark asynchronously, seconds later on a busy driver).
     */
    static final long FOLLOW_UP_MS = 30_000;

    private final ProgressSettings settings;
    private final SparkRest rest;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final WidgetRegistry registry = new WidgetRegistry();
    private final SparkMonitorFeed sparkMonitor = new SparkMonitorFeed();
    private volatile CommManager comms;

    private volatile StatementMonitor current;
    /** Of the session's Spark application; a new session (new application) starts a new one. */
    private SparkPoller.JobCursor jobCursor;
    private volatile ScheduledFuture<?> nextTick;
    private volatile boolean running;

    public ProgressReporter(ProgressSettings settings, SparkRest rest, ScheduledExecutorService scheduler) {
        this(settings, rest, scheduler, System::currentTimeMillis);
    }

    ProgressReporter(ProgressSettings settings, SparkRest rest, ScheduledExecutorService scheduler, LongSupplier clock) {
        this.settings = settings;
        this.rest = rest;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Gives the reporter the kernel's comms and registers the widget control and sparkmonitor targets. */
    public void attach(CommManager commManager) {
        this.comms = commManager;
        commManager.registerTarget(WidgetRegistry.CONTROL_TARGET, registry::controlOpened);
        commManager.registerTarget(SparkMonitorFeed.TARGET, sparkMonitor::opened);
    }

    @Override
    public void started(Session session, Statement statement, CellOutput out) {
        current = null;
        ProgressMode mode = settings.mode();
        if (mode == ProgressMode.OFF) {
            return;
        }
        CommManager c = comms;
        SparkPoller poller = session.sparkUiUrl() == null || session.appId() == null ? null
                : new SparkPoller(rest, session.sparkUiUrl(), jobCursor(session.appId()), statement.id(),
                        settings.history());
        var parent = out.context().parent();
        SparkMonitorFeed.Tracker feed = c != null && sparkMonitor.active()
                ? sparkMonitor.track(session.appId(), session.name() != null ? session.name() : "livy-session-" + session.id(), parent,
                        out::restartBusy)
                : null;
        StatementMonitor monitor = new StatementMonitor(mode, out, mode == ProgressMode.TEXT ? null : c, parent, registry,
                poller, feed, clock);
        current = monitor;
        running = true;
        schedule(monitor, FIRST_POLL_MS, clock.getAsLong());
    }

    private SparkPoller.JobCursor jobCursor(String appId) {
        if (jobCursor == null || !jobCursor.appId.equals(appId)) {
            jobCursor = new SparkPoller.JobCursor(appId);
        }
        return jobCursor;
    }

    @Override
    public void polled(Statement statement) {
        StatementMonitor m = current;
        // A finished statement's progress is 1.0 whether or not it ran a Spark job: not a sign of one.
        if (m != null && !statement.isFinished()) {
            m.livyProgress(statement.progress());
        }
    }

    @Override
    public void finished(Statement last, CellOutput out) {
        StatementMonitor m = current;
        current = null;
        if (m == null) {
            return;
        }
        running = false;
        ScheduledFuture<?> t = nextTick;
        if (t != null) {
            t.cancel(false);
        }
        ProgressState.Outcome outcome = outcome(last);
        try {
            // Runs after any tick in flight (one thread), so the snapshot is the last word.
            Future<?> done = scheduler.submit(() -> safely(() -> m.finish(outcome)));
            // A cell that showed nothing (no Spark job seen) must not wait behind a poll in flight:
            // the first Spark UI request of a session can take hundreds of milliseconds.
            if (m.hasSomethingToFinish()) {
                done.get(m.feedsSparkMonitor() ? FINAL_WAIT_SPARKMONITOR_MS : FINAL_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            LOG.debug("final progress snapshot still pending at the cell's reply");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RejectedExecutionException e) {
            LOG.debug("final progress snapshot failed", e);
        }
        followUp(m, clock.getAsLong() + FOLLOW_UP_MS);
    }

    private void followUp(StatementMonitor m, long until) {
        try {
            scheduler.schedule(() -> safely(() -> {
                if (m.awaitingJobEnds()) {
                    m.followUp();
                    if (m.awaitingJobEnds() && clock.getAsLong() < until) {
                        followUp(m, until);
                    }
                }
            }), FAST_POLL_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("progress scheduler is shut down");
        }
    }

    /** The mode the display uses for new statements. */
    public ProgressSettings settings() {
        return settings;
    }

    static ProgressState.Outcome outcome(Statement last) {
        if (last == null || last.isCancelled() || !last.isFinished()) {
            return ProgressState.Outcome.CANCELLED;
        }
        return "error".equals(last.state()) ? ProgressState.Outcome.FAILED : ProgressState.Outcome.SUCCEEDED;
    }

    private void schedule(StatementMonitor m, long delayMs, long startedAt) {
        try {
            nextTick = scheduler.schedule(() -> {
                if (!running || current != m) {
                    return;
                }
                safely(m::tick);
                if (running && current == m) {
                    long elapsed = clock.getAsLong() - startedAt;
                    schedule(m, elapsed < FAST_PHASE_MS ? FAST_POLL_MS : SLOW_POLL_MS, startedAt);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("progress scheduler is shut down");
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("Spark progress display failed", e);
        }
    }
}
