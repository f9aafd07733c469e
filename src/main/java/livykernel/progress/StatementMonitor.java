package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CommManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Follows one running statement: polls Spark, opens the display once the statement's first job
 * has run for a moment (plain Python cells stay clean, and a quick job costs no widget models),
 * updates it at a readable rate, and at the end replaces it with a static snapshot. A job that
 * ended before the display opened gets the snapshot alone. Every method runs on the progress
 * scheduler's single thread.
 */
final class StatementMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(StatementMonitor.class);
    static final String WIDGET_MIME = "application/vnd.jupyter.widget-view+json";
    /** Widget updates at most 4 per second; text lines (logs, nbconvert) at most one per second. */
    static final long WIDGET_INTERVAL_MS = 250;
    static final long TEXT_INTERVAL_MS = 1000;
    /** While the Spark UI is unreachable, try it again this often (the fallback bar shows meanwhile). */
    static final long REST_RETRY_MS = 5000;
    /** A statement must have run this long before its live view opens: a quick job shows only its snapshot. */
    static final long OPEN_AFTER_MS = 300;
    /** After the statement ends, Spark's REST API may still show its jobs running (its listener bus
     * is asynchronous): poll this often, for at most this long, before the cell's snapshot. */
    static final long END_POLL_MS = 40;
    static final long END_WAIT_MS = 1000;
    /**
     * With sparkmonitor's panel, longer (within {@link ProgressReporter#FINAL_WAIT_SPARKMONITOR_MS}):
     * a job end seen only after the cell's reply leaves its row with the stage counts of its first
     * render, since the row can be rebuilt only while the cell is busy (a loaded driver's listener
     * bus lagged more than 0.3 s in CI).
     */
    static final long END_WAIT_SPARKMONITOR_MS = 2500;

    private final ProgressMode mode;
    private final CellOutput out;
    private final CommManager comms;
    private final JsonNode parent;
    private final WidgetRegistry registry;
    private final SparkPoller poller;                 // null when the session reports no Spark UI
    private final SparkMonitorFeed.Tracker feed;      // null without a sparkmonitor front end
    /** False when sparkmonitor's panel is the cell's progress display. */
    private final boolean ownDisplay;
    private final LongSupplier clock;
    private final long startedAt;
    private final Throttle widgetThrottle;
    private final Throttle textThrottle;
    private final Throttle feedThrottle;

    /** The highest fraction Livy reported: its fraction counts only the jobs seen so far and would fall. */
    private volatile double livyProgress;
    private volatile SparkSnapshot snapshot = SparkSnapshot.EMPTY;
    private boolean restUnavailable;
    /** Why Spark's job details are missing (shown once, in the view); null while they are known. */
    private String restProblem;
    private long restRetryAt;
    private volatile String displayId;
    private ProgressState.Outcome outcome = ProgressState.Outcome.RUNNING;
    /** When the statement ended (-1 while it runs). */
    private long endedAt = -1;
    private ProgressWidget widget;
    private final ExecutorWait executorWait;

    StatementMonitor(ProgressMode mode, CellOutput out, CommManager comms, JsonNode parent, WidgetRegistry registry,
                     SparkPoller poller, SparkMonitorFeed.Tracker feed, LongSupplier clock) {
        this(mode, out, comms, parent, registry, poller, feed, feed == null, clock);
    }

    StatementMonitor(ProgressMode mode, CellOutput out, CommManager comms, JsonNode parent, WidgetRegistry registry,
                     SparkPoller poller, SparkMonitorFeed.Tracker feed, boolean ownDisplay, LongSupplier clock) {
        this(mode, out, comms, parent, registry, poller, feed, ownDisplay, clock, ExecutorWait.WAIT_MS);
    }

    /** {@code executorWaitMs}: how long a job may wait for executors before the cell says so. */
    StatementMonitor(ProgressMode mode, CellOutput out, CommManager comms, JsonNode parent, WidgetRegistry registry,
                     SparkPoller poller, SparkMonitorFeed.Tracker feed, boolean ownDisplay, LongSupplier clock,
                     long executorWaitMs) {
        this.executorWait = new ExecutorWait(executorWaitMs);
        this.mode = mode;
        this.out = out;
        this.comms = comms;
        this.parent = parent;
        this.registry = registry;
        this.poller = poller;
        this.feed = feed;
        this.ownDisplay = ownDisplay;
        this.clock = clock;
        this.startedAt = clock.getAsLong();
        this.widgetThrottle = new Throttle(WIDGET_INTERVAL_MS, clock);
        this.textThrottle = new Throttle(TEXT_INTERVAL_MS, clock);
        this.feedThrottle = new Throttle(1000, clock);
        this.restUnavailable = poller == null;
        this.restProblem = poller == null ? TextLine.NO_SPARK_UI : null;
    }

    /** Livy's latest {@code progress} of the statement (0..1); any thread (the Livy poller's). */
    void livyProgress(double p) {
        if (p > livyProgress) {
            livyProgress = p;
        }
    }

    boolean displayed() {
        return displayId != null;
    }

    /** Whether {@link #finish} will publish anything (so the cell's reply should wait for it). */
    boolean hasSomethingToFinish() {
        return displayId != null || sawSpark();
    }

    /** Whether sparkmonitor shows this statement's jobs: its rows can be mended only before the cell's reply. */
    boolean feedsSparkMonitor() {
        return feed != null && !snapshot.jobs().isEmpty();
    }

    /** Whether a Spark job of this statement was seen (or, without details, Livy reported progress). */
    private boolean sawSpark() {
        return !snapshot.jobs().isEmpty() || (restUnavailable && livyProgress > 0);
    }

    /** One poll while the statement runs. */
    void tick() {
        fetch();
        if (!restUnavailable) {
            noticeExecutorWait();
        }
        ProgressState state = state(ProgressState.Outcome.RUNNING);
        if (feed != null && !restUnavailable) {
            feed.onSnapshot(snapshot, clock.getAsLong(), feedThrottle.tryPass());
        }
        if (displayId == null) {
            if (ownDisplay && sawSpark() && clock.getAsLong() - startedAt >= OPEN_AFTER_MS) {
                openDisplay(state);
            }
            return;
        }
        if (widget != null) {
            if (widgetThrottle.tryPass()) {
                widget.apply(state);
            }
        } else if (textThrottle.tryPass()) {
            out.updateDisplay(Map.of("text/plain", TextLine.running(state)), Map.of(), displayId);
        }
    }

    /** Says so in the cell when the job cannot get executors, and again when it finally has some. */
    private void noticeExecutorWait() {
        long now = clock.getAsLong();
        switch (executorWait.observe(snapshot, now)) {
            case STARVED -> {
                Map<String, String> props;
                try {
                    props = poller.sparkProperties();
                } catch (RuntimeException e) {
                    props = Map.of();   // the sentence does without what the application asked for
                }
                out.stream("stderr", ExecutorWait.message(executorWait.waited(now), props));
            }
            case RESUMED -> out.stream("stderr", ExecutorWait.RESUMED_MESSAGE);
            case NONE -> {
            }
        }
    }

    /** The statement ended: a last poll (until Spark has recorded its jobs' ends, bounded), then the snapshot. */
    void finish(ProgressState.Outcome outcome) {
        this.outcome = outcome;
        this.endedAt = clock.getAsLong();
        if (!hasSomethingToFinish()) {
            return;   // nothing was seen: a statement without Spark jobs (or one too quick to matter)
        }
        fetch();
        // Spark's listener bus records a job's end a little after the driver returns (ms locally,
        // longer on a busy YARN driver); the cell's reply waits for this, so the wait is bounded
        // and a job still running afterwards is followed up after the reply.
        long wait = feedsSparkMonitor() ? END_WAIT_SPARKMONITOR_MS : END_WAIT_MS;
        long deadline = clock.getAsLong() + wait;
        for (long i = 0; i < wait / END_POLL_MS && clock.getAsLong() < deadline && !restUnavailable
                && snapshot.anyRunning(); i++) {
            try {
                Thread.sleep(END_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            fetch();
        }
        if (feed != null && !restUnavailable) {
            feed.onFinalSnapshot(snapshot, clock.getAsLong());
        }
        if (!ownDisplay) {
            return;
        }
        ProgressState state = state(outcome);
        if (widget != null) {
            widget.apply(state);   // widget state kept by the front end (or a saved notebook) ends final too
            publishSnapshot(state);
            widget.close();
            widget = null;
        } else {
            publishSnapshot(state);
        }
    }

    /** The static end view: HTML (with the text line, except in widget-only mode) or the text summary. */
    private void publishSnapshot(ProgressState state) {
        String summary = TextLine.summary(state);
        Map<String, Object> data = new LinkedHashMap<>();
        if (mode != ProgressMode.TEXT && comms != null) {
            data.put("text/html", HtmlRender.snapshot(state));
            if (mode != ProgressMode.WIDGET) {
                data.put("text/plain", summary);
            }
        } else {
            data.put("text/plain", summary);
        }
        if (displayId == null) {
            displayId = "livy-progress-" + UUID.randomUUID();
            out.display(data, Map.of(), displayId);
        } else {
            out.updateDisplay(data, Map.of(), displayId);
        }
    }

    /**
     * Whether sparkmonitor still shows jobs of this statement as running after {@link #finish}:
     * a cancelled statement's jobs end in Spark some time after Livy reports the cancel.
     */
    boolean awaitingJobEnds() {
        if (restUnavailable) {
            // The live UI went away with the application: the history server may have the final
            // counts once it has read the event log (retried at the unreachable UI's pace).
            return displayId != null && poller != null && poller.hasHistory() && !poller.onHistory();
        }
        return (feed != null || displayId != null) && snapshot.anyRunning();
    }

    /**
     * One poll after the statement ended: sparkmonitor learns of jobs ending late, and the cell's
     * snapshot (a display, so it can still change) shows what Spark finally recorded.
     */
    void followUp() {
        fetch();
        if (feed != null && !restUnavailable) {
            feed.onLateSnapshot(snapshot, clock.getAsLong());
        }
        if (displayId != null && !snapshot.anyRunning() && (!restUnavailable || poller == null || !poller.hasHistory())) {
            publishSnapshot(state(outcome));
        }
    }

    private void openDisplay(ProgressState state) {
        displayId = "livy-progress-" + UUID.randomUUID();
        String line = TextLine.running(state);
        if (mode == ProgressMode.TEXT || comms == null) {
            textThrottle.tryPass();
            out.display(Map.of("text/plain", line), Map.of(), displayId);
            return;
        }
        widget = new ProgressWidget(comms, parent, registry);
        String modelId = widget.open(state);
        widgetThrottle.tryPass();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(WIDGET_MIME, Map.of("version_major", 2, "version_minor", 0, "model_id", modelId));
        if (mode != ProgressMode.WIDGET) {
            data.put("text/plain", line);
        }
        out.display(data, Map.of(), displayId);
    }

    private ProgressState state(ProgressState.Outcome outcome) {
        // a follow-up after the reply still shows how long the statement ran, not how long ago it started
        long elapsed = (endedAt >= 0 ? endedAt : clock.getAsLong()) - startedAt;
        if (restUnavailable && snapshot.jobs().isEmpty()) {
            return ProgressState.fallback(livyProgress, outcome, elapsed, restProblem);
        }
        return ProgressState.of(snapshot, outcome, System.currentTimeMillis(), elapsed);
    }

    private void fetch() {
        if (poller == null) {
            return;
        }
        long now = clock.getAsLong();
        if (restUnavailable && now < restRetryAt) {
            return;
        }
        try {
            snapshot = poller.poll();
            restUnavailable = false;
            restProblem = null;
        } catch (RuntimeException e) {
            if (!restUnavailable) {
                LOG.info("Spark UI REST API unreachable, showing Livy's progress instead: {}", e.getMessage());
            }
            restUnavailable = true;
            restProblem = TextLine.unreachableAt(poller.where(), e.getMessage());
            restRetryAt = now + REST_RETRY_MS;
        }
    }
}
