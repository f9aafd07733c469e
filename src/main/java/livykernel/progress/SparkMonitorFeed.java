package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.kernel.Comm;
import livykernel.wire.Json;
import livykernel.wire.Message;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Speaks the sparkmonitor extension's comm ({@code SparkMonitor} target): the front end opens it,
 * and while a cell runs the kernel sends {@code fromscala} messages whose {@code msg} is the JSON
 * text of a Spark listener event. Here the events are synthesized from the REST snapshots, so the
 * extension's job table and timeline work for a remote driver.
 */
public final class SparkMonitorFeed {

    public static final String TARGET = "SparkMonitor";
    /** Job ids of synthetic fallback jobs (Spark UI unreachable) start here, far from real ones. */
    static final int FALLBACK_JOB_BASE = 1_000_000;

    private volatile Comm comm;
    private final Set<String> announcedApps = new HashSet<>();
    /** Executors the front end has been told about since the comm opened (guarded by announcedApps). */
    private int executorsAnnounced;

    /** Comm target: remembers the front end's comm and acknowledges it as the original extension does. */
    public void opened(Comm c, JsonNode data, Message open) {
        comm = c;
        synchronized (announcedApps) {
            announcedApps.clear();
            executorsAnnounced = 0;
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
        return new Tracker(appId == null ? "unknown" : appId, appName, parent);
    }

    /** Turns successive snapshots of one statement into listener events. Used on one thread. */
    final class Tracker {
        private final String appId;
        private final String appName;
        private final JsonNode parent;
        private final Map<Integer, String> jobStatus = new HashMap<>();
        private final Map<Integer, String> stageStatus = new HashMap<>();

        Tracker(String appId, String appName, JsonNode parent) {
            this.appId = appId;
            this.appName = appName;
            this.parent = parent;
        }

        void onSnapshot(SparkSnapshot snap, long now, boolean sendActive) {
            if (!active() || snap.jobs().isEmpty()) {
                return;
            }
            announceApp(now);
            announceExecutors(snap, now);
            Map<Integer, SparkStage> stages = new HashMap<>();
            snap.stages().forEach(s -> stages.put(s.stageId(), s));
            for (SparkJob j : snap.jobs()) {
                if (!jobStatus.containsKey(j.jobId())) {
                    jobStatus.put(j.jobId(), "RUNNING");
                    send(jobStart(j, stages, snap, now));
                }
            }
            for (SparkStage s : snap.stages()) {
                String before = stageStatus.get(s.stageId());
                if ("FAILED".equals(before) && ("ACTIVE".equals(s.status()) || "COMPLETE".equals(s.status()))) {
                    before = null;   // a new attempt of a failed stage (e.g. after a fetch failure): RUNNING again
                }
                if (("ACTIVE".equals(s.status()) || "COMPLETE".equals(s.status()) || "FAILED".equals(s.status()))
                        && before == null) {
                    send(stageSubmitted(s, now));
                    stageStatus.put(s.stageId(), "ACTIVE");
                    before = "ACTIVE";
                }
                if ("ACTIVE".equals(s.status()) && sendActive) {
                    send(stageActive(s));
                } else if (("COMPLETE".equals(s.status()) || "FAILED".equals(s.status())) && "ACTIVE".equals(before)) {
                    send(stageCompleted(s, now));
                    stageStatus.put(s.stageId(), s.status());
                }
            }
            for (SparkJob j : snap.jobs()) {
                if (!j.isRunning() && "RUNNING".equals(jobStatus.get(j.jobId()))) {
                    jobStatus.put(j.jobId(), j.status());
                    ObjectNode e = event("sparkJobEnd");
                    e.put("jobId", j.jobId());
                    e.put("status", j.isFailed() ? "FAILED" : "COMPLETED");
                    e.put("completionTime", j.completionTime() > 0 ? j.completionTime() : now);
                    send(e);
                }
            }
        }

        private void announceApp(long now) {
            synchronized (announcedApps) {
                if (!announcedApps.add(appId)) {
                    return;
                }
            }
            ObjectNode e = event("sparkApplicationStart");
            e.put("appId", appId);
            e.put("appName", appName);
            e.put("appAttemptId", "1");
            e.put("startTime", now);
            e.put("sparkUser", System.getProperty("user.name", ""));
            send(e);
        }

        /**
         * The front end counts executors per notebook (+1 per added, -1 per removed), so they are
         * announced once per comm, not per statement; in local mode the driver counts as one.
         */
        private void announceExecutors(SparkSnapshot snap, long now) {
            int wanted = Math.max(1, snap.executors());
            synchronized (announcedApps) {
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
        }

        private ObjectNode jobStart(SparkJob j, Map<Integer, SparkStage> stages, SparkSnapshot snap, long now) {
            ObjectNode e = event("sparkJobStart");
            e.put("jobId", j.jobId());
            e.put("jobGroup", "");
            e.put("status", "RUNNING");
            e.put("name", j.name());
            e.put("submissionTime", j.submissionTime() > 0 ? j.submissionTime() : now);
            e.set("stageIds", Json.MAPPER.valueToTree(j.stageIds()));
            ObjectNode infos = e.putObject("stageInfos");
            for (int id : j.stageIds()) {
                SparkStage s = stages.get(id);
                ObjectNode info = infos.putObject(String.valueOf(id));
                info.put("attemptId", s == null ? 0 : s.attemptId());
                info.put("name", s == null ? j.name() : s.name());
                info.put("numTasks", s == null ? 0 : s.numTasks());
                info.put("submissionTime", s == null || s.submissionTime() <= 0 ? -1 : s.submissionTime());
                info.put("completionTime", s == null || s.completionTime() <= 0 ? -1 : s.completionTime());
            }
            e.put("numTasks", j.numTasks());
            e.put("totalCores", snap.cores());
            e.put("numExecutors", Math.max(1, snap.executors()));
            e.put("appId", appId);
            return e;
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

        private ObjectNode stageCompleted(SparkStage s, long now) {
            ObjectNode e = stageEvent("sparkStageCompleted", s);
            e.put("status", "FAILED".equals(s.status()) ? "FAILED" : "COMPLETED");
            e.put("submissionTime", s.submissionTime() > 0 ? s.submissionTime() : now);
            e.put("completionTime", s.completionTime() > 0 ? s.completionTime() : now);
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
