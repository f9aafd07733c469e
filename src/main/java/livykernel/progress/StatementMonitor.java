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
 * appears (plain Python cells stay clean), updates it at a readable rate, and at the end replaces
 * it with a static snapshot. Every method runs on the progress scheduler's single thread.
 */
final class StatementMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(StatementMonitor.class);
    static final String WIDGET_MIME = "application/vnd.jupyter.widget-view+json";
    /** Widget updates at most 4 per second; text lines (logs, nbconvert) at most one per second. */
    static final long WIDGET_INTERVAL_MS = 250;
    static final long TEXT_INTERVAL_MS = 1000;
    /** While the Spark UI is unreachable, try it again this often (the fallback bar shows meanwhile). */
    static final long REST_RETRY_MS = 5000;

    private final ProgressMode mode;
    private final CellOutput out;
    private final CommManager comms;
    private final JsonNode parent;
    private final WidgetRegistry registry;
    private final SparkPoller poller;                 // null when the session reports no Spark UI
    private final SparkMonitorFeed.Tracker feed;      // null without a sparkmonitor front end
    private final LongSupplier clock;
    private final long startedAt;
    private final Throttle widgetThrottle;
    private final Throttle textThrottle;
    private final Throttle feedThrottle;

    private volatile double livyProgress;
    private volatile SparkSnapshot snapshot = SparkSnapshot.EMPTY;
    private boolean restUnavailable;
    private long restRetryAt;
    private volatile String displayId;
    private ProgressWidget widget;

    StatementMonitor(ProgressMode mode, CellOutput out, CommManager comms, JsonNode parent, WidgetRegistry registry,
                     SparkPoller poller, SparkMonitorFeed.Tracker feed, LongSupplier clock) {
        this.mode = mode;
        this.out = out;
        this.comms = comms;
        this.parent = parent;
        this.registry = registry;
        this.poller = poller;
        this.feed = feed;
        this.clock = clock;
        this.startedAt = clock.getAsLong();
        this.widgetThrottle = new Throttle(WIDGET_INTERVAL_MS, clock);
        this.textThrottle = new Throttle(TEXT_INTERVAL_MS, clock);
        this.feedThrottle = new Throttle(1000, clock);
        this.restUnavailable = poller == null;
    }

    /** Livy's latest {@code progress} of the statement (0..1); any thread. */
    void livyProgress(double p) {
        livyProgress = p;
    }

    boolean displayed() {
        return displayId != null;
    }

    /** Whether {@link #finish} will publish anything (so the cell's reply should wait for it). */
    boolean hasSomethingToFinish() {
        return displayId != null || (feed != null && !snapshot.jobs().isEmpty());
    }

    /** One poll while the statement runs. */
    void tick() {
        fetch();
        ProgressState state = state(ProgressState.Outcome.RUNNING);
        if (feed != null && !restUnavailable) {
            feed.onSnapshot(snapshot, clock.getAsLong(), feedThrottle.tryPass());
        }
        if (displayId == null) {
            if (!snapshot.jobs().isEmpty() || (restUnavailable && livyProgress > 0)) {
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

    /** The statement ended: one last poll (until Spark has recorded its jobs' ends), then the snapshot. */
    void finish(ProgressState.Outcome outcome) {
        if (displayId == null && (feed == null || snapshot.jobs().isEmpty())) {
            return;   // nothing was shown: a statement without Spark jobs (or one too quick to matter)
        }
        fetch();
        // Spark's listener bus records a job's end a few ms after the driver returns; wait for
        // it only briefly, since the cell's reply waits for this snapshot.
        for (int i = 0; i < 2 && !restUnavailable && snapshot.anyRunning(); i++) {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            fetch();
        }
        if (feed != null && !restUnavailable) {
            feed.onSnapshot(snapshot, clock.getAsLong(), false);
        }
        if (displayId == null) {
            return;
        }
        ProgressState state = state(outcome);
        String summary = TextLine.summary(state);
        if (widget != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("text/html", HtmlRender.snapshot(state));
            if (mode != ProgressMode.WIDGET) {
                data.put("text/plain", summary);
            }
            out.updateDisplay(data, Map.of(), displayId);
            widget.close();
        } else {
            out.updateDisplay(Map.of("text/plain", summary), Map.of(), displayId);
        }
    }

    /**
     * Whether sparkmonitor still shows jobs of this statement as running after {@link #finish}:
     * a cancelled statement's jobs end in Spark some time after Livy reports the cancel.
     */
    boolean awaitingJobEnds() {
        return feed != null && !restUnavailable && snapshot.anyRunning();
    }

    /** One poll after the statement ended, for sparkmonitor only (the cell's outputs are final). */
    void followUp() {
        fetch();
        if (feed != null && !restUnavailable) {
            feed.onSnapshot(snapshot, clock.getAsLong(), false);
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
        long elapsed = clock.getAsLong() - startedAt;
        if (restUnavailable && snapshot.jobs().isEmpty()) {
            return ProgressState.fallback(livyProgress, outcome, elapsed);
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
        } catch (RuntimeException e) {
            if (!restUnavailable) {
                LOG.info("Spark UI REST API unreachable, showing Livy's progress instead: {}", e.getMessage());
            }
            restUnavailable = true;
            restRetryAt = now + REST_RETRY_MS;
        }
    }
}
