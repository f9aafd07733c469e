package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.kernel.Comm;
import livykernel.wire.Json;
import livykernel.wire.Message;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Speaks the sparkmonitor extension's comm ({@code SparkMonitor} target): the front end opens it,
 * and while a cell runs the kernel sends {@code fromscala} messages whose {@code msg} is the JSON
 * text of a Spark listener event. Here the events are synthesized from the REST snapshots, so the
 * extension's job table and timeline work for a remote driver.
 *
 * <p>sparkmonitor 3.3.0 keeps a stage's {@code status} outside MobX's observables (the field has
 * no initializer, so {@code makeAutoObservable} never sees it: {@code src/store/spark-stage.ts}),
 * and a job row's stage counts are computed values over those statuses
 * ({@code src/store/spark-job.ts}): a row shows the counts of its first render, whatever stage
 * events follow. So a job is announced with its stages already in their current state (stage
 * events before {@code sparkJobStart}), and when a shown row's counts went stale the cell's display
 * is rebuilt: another {@code status: busy} for the cell makes the front end take it for a new
 * execution of the cell ({@code src/lab-extension/current-cell.ts} watches
 * {@code execution["iopub.status.busy"]}), so the next {@code sparkJobStart} clears the cell's
 * jobs and the kernel replays them under fresh store keys (another application attempt id).
 */
public final class SparkMonitorFeed {

    public static final String TARGET = "SparkMonitor";
    /** A cell's display is rebuilt at most this often while it runs (and once more at its end). */
    static final long REFRESH_MS = 1000;
    /** In a cell of at most this many jobs, a job's end rebuilds the display whatever the rate. */
    static final int FEW_JOBS = 20;

    private static final String PENDING = "PENDING";
    private static final String RUNNING = "RUNNING";
    private static final String COMPLETED = "COMPLETED";
    private static final String FAILED = "FAILED";
    private static final String SKIPPED = "SKIPPED";

    private volatile Comm comm;
    // The front end's state as the kernel left it; guarded by this.
    /** Bumped on each comm open: a reloaded page has an empty store. */
    private int epoch;
    /** App id and attempt of the last sparkApplicationStart: the prefix of the store's keys. */
    private String shownPrefix;
    /** The attempt id new cells use; each rebuild of a cell's display takes a fresh one. */
    private String currentAttempt = "1";
    private int rebuilds;
    /** Executors the front end has been told about since the comm opened. */
    private int executorsAnnounced;
    private CellView lastCell;

    /** Comm target: remembers the front end's comm and acknowledges it as the original extension does. */
    public void opened(Comm c, JsonNode data, Message open) {
        comm = c;
        synchronized (this) {
            epoch++;
            shownPrefix = null;
            executorsAnnounced = 0;
            lastCell = null;
        }
        ObjectNode ack = Json.object();
        ack.put("msgtype", "commopen");
        c.send(ack, Json.object(), List.of(), open.header().json());
        c.onClose(d -> {
            if (comm == c) {
                comm = null;
            }
        });
    }

    boolean active() {
        Comm c = comm;
        return c != null && !c.isClosed();
    }

    /** A per-statement event generator; events go out with {@code parent} (the cell's execute_request). */
    Tracker track(String appId, String appName, JsonNode parent) {
        return track(appId, appName, parent, () -> false);
    }

    /**
     * As {@link #track(String, String, JsonNode)}; {@code restartCell} publishes another
     * {@code status: busy} for the cell and says whether it did (only while the cell runs, for a
     * front end that records execution timing): the kernel then rebuilds the cell's display.
     */
    Tracker track(String appId, String appName, JsonNode parent, BooleanSupplier restartCell) {
        return new Tracker(appId == null ? "unknown" : appId, appName, parent, restartCell);
    }

    /** The stage counts a job row shows: sparkmonitor's "done/total (n skipped) (n active)", active being PENDING. */
    private record Counts(int completed, int failed, int skipped, int pending) { }

    /** What the front end holds for one cell: its jobs, their rows' counts and the stages' statuses. */
    private static final class CellView {
        final String parentId;
        final String appId;
        String attempt;
        int epoch;
        /** Every job of the cell seen so far (latest record), in the order first seen. */
        final Map<Integer, SparkJob> jobs = new LinkedHashMap<>();
        /** Latest record of each stage of those jobs. */
        final Map<Integer, SparkStage> stages = new HashMap<>();
        /** Rows in the front end and the counts each shows. */
        final Map<Integer, Counts> rendered = new LinkedHashMap<>();
        final Map<Integer, String> stageStatus = new HashMap<>();
        final Map<Integer, String> jobStatus = new HashMap<>();
        long rebuiltAt = Long.MIN_VALUE / 4;

        CellView(String parentId, String appId, String attempt, int epoch) {
            this.parentId = parentId;
            this.appId = appId;
            this.attempt = attempt;
            this.epoch = epoch;
        }

        void forgetFrontEnd() {
            rendered.clear();
            stageStatus.clear();
            jobStatus.clear();
        }
    }

    /** Turns successive snapshots of one statement into listener events. */
    final class Tracker {
        private final String appId;
        private final String appName;
        private final JsonNode parent;
        private final BooleanSupplier restartCell;
        private final CellView cell;

        Tracker(String appId, String appName, JsonNode parent, BooleanSupplier restartCell) {
            this.appId = appId;
            this.appName = appName;
            this.parent = parent;
            this.restartCell = restartCell;
            String parentId = parent.path("msg_id").asText("");
            synchronized (SparkMonitorFeed.this) {
                // Statements of one cell (several in a magic) share its display.
                if (lastCell != null && lastCell.parentId.equals(parentId) && lastCell.appId.equals(this.appId)) {
                    cell = lastCell;
                } else {
                    cell = new CellView(parentId, this.appId, currentAttempt, epoch);
                    lastCell = cell;
                }
            }
        }

        /** A poll while the statement runs (or after it ended); {@code sendActive}: the periodic stage update is due. */
        void onSnapshot(SparkSnapshot snap, long now, boolean sendActive) {
            update(snap, now, sendActive, false, false);
        }

        /** The statement's last snapshot before the cell's reply: stale rows are rebuilt whatever the rate. */
        void onFinalSnapshot(SparkSnapshot snap, long now) {
            update(snap, now, false, true, false);
        }

        /**
         * A snapshot after the cell ended: its shown jobs are followed to their end, but a job not
         * shown yet is left out, as sparkmonitor would file it under whichever cell runs now.
         */
        void onLateSnapshot(SparkSnapshot snap, long now) {
            update(snap, now, false, false, true);
        }

        private void update(SparkSnapshot snap, long now, boolean sendActive, boolean last, boolean late) {
            if (!active() || snap.jobs().isEmpty()) {
                return;
            }
            synchronized (SparkMonitorFeed.this) {
                if (cell.epoch != epoch) {
                    cell.forgetFrontEnd();
                    cell.epoch = epoch;
                }
                snap.jobs().forEach(j -> cell.jobs.put(j.jobId(), j));
                snap.stages().forEach(s -> cell.stages.put(s.stageId(), s));
                // A rebuild replays every row, so a cell of many jobs is rebuilt less often; a job's end
                // is rebuilt at once in a cell of a few jobs, so no COMPLETED row shows stale counts.
                boolean due = last || now - cell.rebuiltAt >= REFRESH_MS * Math.max(1, cell.jobs.size() / 20)
                        || (cell.jobs.size() <= FEW_JOBS && aShownJobEnded());
                if (!late && due && staleRows() && restartCell.getAsBoolean()) {
                    rebuild(snap, now);
                    return;
                }
                showPrefix();
                announceExecutors(snap, now);
                Set<Integer> activeSent = new HashSet<>();
                for (int jobId : List.copyOf(cell.rendered.keySet())) {
                    SparkJob j = cell.jobs.get(jobId);
                    for (int id : j.stageIds()) {
                        follow(j, id, sendActive, activeSent, now);
                    }
                    if (!j.isRunning() && RUNNING.equals(cell.jobStatus.get(jobId))) {
                        jobEnd(j, now);
                    }
                }
                for (SparkJob j : snap.jobs()) {
                    if (!late && !cell.rendered.containsKey(j.jobId())) {
                        announce(j, snap, now);
                    }
                }
            }
        }

        private boolean aShownJobEnded() {
            for (int jobId : cell.rendered.keySet()) {
                if (RUNNING.equals(cell.jobStatus.get(jobId)) && !cell.jobs.get(jobId).isRunning()) {
                    return true;
                }
            }
            return false;
        }

        /** Whether some row's counts (frozen at its first render) no longer match its stages. */
        private boolean staleRows() {
            for (Map.Entry<Integer, Counts> e : cell.rendered.entrySet()) {
                SparkJob j = cell.jobs.get(e.getKey());
                if (!e.getValue().equals(counts(j, id -> wanted(j, id)))) {
                    return true;
                }
            }
            return false;
        }

        /** Replays the cell's jobs under a fresh attempt id; the first sparkJobStart clears the cell's old rows. */
        private void rebuild(SparkSnapshot snap, long now) {
            rebuilds++;
            currentAttempt = "1-r" + rebuilds;
            cell.attempt = currentAttempt;
            cell.forgetFrontEnd();
            cell.rebuiltAt = now;
            showPrefix();
            announceExecutors(snap, now);
            for (SparkJob j : List.copyOf(cell.jobs.values())) {
                announce(j, snap, now);
            }
        }

        /** Brings one stage of a shown job to its current state (its row's counts stay as first rendered). */
        private void follow(SparkJob j, int id, boolean sendActive, Set<Integer> activeSent, long now) {
            String want = wanted(j, id);
            String have = cell.stageStatus.get(id);
            SparkStage s = stage(j, id);
            if (RUNNING.equals(want)) {
                if (!RUNNING.equals(have)) {
                    send(stageSubmitted(s, now));
                    cell.stageStatus.put(id, RUNNING);
                }
                if (sendActive && activeSent.add(id)) {
                    send(stageActive(s));
                }
            } else if (!PENDING.equals(want) && !want.equals(have)) {
                if (have == null) {
                    send(stageSubmitted(s, now));
                }
                send(stageCompleted(s, want, now));
                cell.stageStatus.put(id, want);
            }
        }

        /**
         * A new row: its stages first (so the row's first render counts them right), then the job,
         * then one stage update per job so the front end sums the job's task counts, then its end.
         */
        private void announce(SparkJob j, SparkSnapshot snap, long now) {
            for (int id : j.stageIds()) {
                String want = wanted(j, id);
                String have = cell.stageStatus.get(id);
                if (PENDING.equals(want) || want.equals(have)) {
                    continue;
                }
                SparkStage s = stage(j, id);
                if (have == null || RUNNING.equals(want)) {
                    send(stageSubmitted(s, now));
                }
                if (!RUNNING.equals(want)) {
                    send(stageCompleted(s, want, now));
                }
                cell.stageStatus.put(id, want);
            }
            send(jobStart(j, snap, now));
            for (int id : j.stageIds()) {
                cell.stageStatus.putIfAbsent(id, PENDING);
            }
            cell.rendered.put(j.jobId(), counts(j, cell.stageStatus::get));
            cell.jobStatus.put(j.jobId(), RUNNING);
            boolean summed = false;
            for (int id : j.stageIds()) {
                if (RUNNING.equals(cell.stageStatus.get(id))) {
                    send(stageActive(stage(j, id)));
                    summed = true;
                }
            }
            for (int id : j.stageIds()) {
                String st = cell.stageStatus.get(id);
                if (!summed && !PENDING.equals(st)) {
                    send(stageCompleted(stage(j, id), st, now));
                    summed = true;
                }
            }
            if (!j.isRunning()) {
                jobEnd(j, now);
            }
        }

        /** The status the front end should hold for stage {@code id} of {@code j}. */
        private String wanted(SparkJob j, int id) {
            SparkStage s = cell.stages.get(id);
            String st = s == null ? PENDING : switch (s.status()) {
                case "ACTIVE" -> RUNNING;
                case "COMPLETE" -> COMPLETED;
                case "FAILED" -> FAILED;
                case "SKIPPED" -> SKIPPED;
                default -> PENDING;
            };
            // A stage still pending when its job ended never runs for it: Spark and sparkmonitor call it skipped.
            return PENDING.equals(st) && !j.isRunning() ? SKIPPED : st;
        }

        private Counts counts(SparkJob j, java.util.function.IntFunction<String> status) {
            int completed = 0;
            int failed = 0;
            int skipped = 0;
            int pending = 0;
            for (int id : j.stageIds()) {
                switch (String.valueOf(status.apply(id))) {
                    case COMPLETED -> completed++;
                    case FAILED -> failed++;
                    case SKIPPED -> skipped++;
                    case PENDING -> pending++;
                    default -> { }
                }
            }
            return new Counts(completed, failed, skipped, pending);
        }

        /** The stage's latest record, or a stand-in for one Spark's REST API did not list. */
        private SparkStage stage(SparkJob j, int id) {
            SparkStage s = cell.stages.get(id);
            return s != null ? s : new SparkStage(id, 0, j.name(), PENDING, 0, 0, 0, 0, 0, 0, null);
        }

        private void showPrefix() {
            String prefix = cell.appId + "\n" + cell.attempt;
            if (prefix.equals(shownPrefix)) {
                return;
            }
            shownPrefix = prefix;
            ObjectNode e = event("sparkApplicationStart");
            e.put("appId", cell.appId);
            e.put("appName", appName);
            e.put("appAttemptId", cell.attempt);
            e.put("startTime", System.currentTimeMillis());
            e.put("sparkUser", System.getProperty("user.name", ""));
            send(e);
        }

        /**
         * The front end counts executors per notebook (+1 per added, -1 per removed), so they are
         * announced once per comm, not per statement; in local mode the driver counts as one.
         */
        private void announceExecutors(SparkSnapshot snap, long now) {
            int wanted = Math.max(1, snap.executors());
            for (int i = executorsAnnounced; i < wanted; i++) {
                ObjectNode e = event("sparkExecutorAdded");
                e.put("executorId", snap.executors() == 0 ? "driver" : String.valueOf(i + 1));
                e.put("time", now);
                e.put("numCores", snap.executors() == 0 ? snap.cores() : snap.cores() / snap.executors());
                e.put("totalCores", snap.cores());
                send(e);
            }
            for (int i = executorsAnnounced; i > wanted; i--) {
                ObjectNode e = event("sparkExecutorRemoved");
                e.put("executorId", String.valueOf(i));
                e.put("time", now);
                e.put("totalCores", snap.cores());
                send(e);
            }
            executorsAnnounced = wanted;
        }

        private ObjectNode jobStart(SparkJob j, SparkSnapshot snap, long now) {
            ObjectNode e = event("sparkJobStart");
            e.put("jobId", j.jobId());
            e.put("jobGroup", "");
            e.put("status", "RUNNING");
            e.put("name", j.name());
            e.put("submissionTime", j.submissionTime() > 0 ? j.submissionTime() : now);
            e.set("stageIds", Json.mapper().valueToTree(j.stageIds()));
            ObjectNode infos = e.putObject("stageInfos");
            for (int id : j.stageIds()) {
                SparkStage s = stage(j, id);
                ObjectNode info = infos.putObject(String.valueOf(id));
                info.put("attemptId", s.attemptId());
                // The short name a sparkStageSubmitted gives the stage (the front end keeps the first word):
                // here the job start comes after its stages' events and would otherwise put the long one back.
                info.put("name", s.name().split(" ")[0]);
                // A skipped stage's tasks never run: out of the job's total, as sparkmonitor's own job end does.
                info.put("numTasks", SKIPPED.equals(cell.stageStatus.get(id)) ? 0 : s.numTasks());
                info.put("submissionTime", s.submissionTime() <= 0 ? -1 : s.submissionTime());
                info.put("completionTime", s.completionTime() <= 0 ? -1 : s.completionTime());
            }
            e.put("numTasks", j.effectiveTasks());
            e.put("totalCores", snap.cores());
            e.put("numExecutors", Math.max(1, snap.executors()));
            e.put("appId", appId);
            return e;
        }

        private void jobEnd(SparkJob j, long now) {
            cell.jobStatus.put(j.jobId(), j.isFailed() ? FAILED : COMPLETED);
            ObjectNode e = event("sparkJobEnd");
            e.put("jobId", j.jobId());
            e.put("status", j.isFailed() ? FAILED : COMPLETED);
            e.put("completionTime", j.completionTime() > 0 ? j.completionTime() : now);
            send(e);
        }

        private ObjectNode stageSubmitted(SparkStage s, long now) {
            ObjectNode e = stageEvent("sparkStageSubmitted", s);
            e.put("submissionTime", s.submissionTime() > 0 ? s.submissionTime() : now);
            e.putArray("parentIds");
            return e;
        }

        private ObjectNode stageActive(SparkStage s) {
            ObjectNode e = stageEvent("sparkStageActive", s);
            e.put("numActiveTasks", s.numActiveTasks());
            e.put("numCompletedTasks", s.numCompleteTasks());
            e.put("numFailedTasks", s.numFailedTasks());
            return e;
        }

        private ObjectNode stageCompleted(SparkStage s, String status, long now) {
            ObjectNode e = stageEvent("sparkStageCompleted", s);
            e.put("status", status);
            e.put("submissionTime", s.submissionTime() > 0 ? s.submissionTime() : now);
            e.put("completionTime", s.completionTime() > 0 ? s.completionTime() : now);
            if (SKIPPED.equals(status)) {
                e.put("numTasks", 0);
            }
            e.put("numCompletedTasks", s.numCompleteTasks());
            e.put("numFailedTasks", s.numFailedTasks());
            return e;
        }

        private ObjectNode stageEvent(String type, SparkStage s) {
            ObjectNode e = event(type);
            e.put("stageId", s.stageId());
            e.put("stageAttemptId", s.attemptId());
            e.put("name", s.name());
            e.put("numTasks", s.numTasks());
            return e;
        }

        private void send(ObjectNode event) {
            Comm c = comm;
            if (c == null) {
                return;
            }
            ObjectNode data = Json.object();
            data.put("msgtype", "fromscala");
            data.put("msg", event.toString());
            c.send(data, Json.object(), List.of(), parent);
        }
    }

    private static ObjectNode event(String type) {
        ObjectNode e = Json.object();
        e.put("msgtype", type);
        return e;
    }
}
