package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads one statement's jobs, stages and executors from the Spark UI's REST API.
 *
 * <p>The application's full {@code /jobs} and {@code /stages} lists grow with every statement
 * (about 270 KB of stages after 30 small cells, up to Spark's 1000 retained jobs and stages), and
 * the driver renders them on every request. So a poll asks only for what can have changed: the
 * running jobs, job ids not seen yet (Spark hands them out in order, so they are probed one by one
 * upward from a {@link JobCursor} kept per application), the active and pending stages, and each
 * job or stage once more when it ends. Ended jobs and stages are kept, not fetched again.
 */
final class SparkPoller {

    /** Executors change rarely; polling them every few job polls is enough. */
    private static final int EXECUTOR_EVERY = 8;

    private final SparkRest rest;
    private final String api;
    private final String group;
    private final JobCursor cursor;
    /** This statement's own probing position: another poller of the same application (a late final
     * snapshot of the previous statement) may move the shared cursor past this statement's jobs. */
    private int next;
    private final Map<Integer, SparkJob> jobs = new TreeMap<>();
    private final Map<Integer, SparkStage> stages = new TreeMap<>();
    private int polls;
    private int executors;
    private int cores;

    /**
     * Where new job ids of one Spark application start: each statement's poller starts probing
     * there, so only the first poll in an application lists all jobs. Read when a statement
     * starts, advanced by its polls on the progress thread.
     */
    static final class JobCursor {
        final String appId;
        /** The lowest job id not yet seen; -1 until the first poll has listed the application's jobs. */
        volatile int next = -1;

        JobCursor(String appId) {
            this.appId = appId;
        }
    }

    /** {@code sparkUiUrl} as Livy reports it (a YARN proxy URL on EMR, with or without a trailing slash). */
    SparkPoller(SparkRest rest, String sparkUiUrl, JobCursor cursor, int statementId) {
        this.rest = rest;
        this.api = sparkUiUrl.replaceAll("/+$", "") + "/api/v1/applications/" + cursor.appId;
        this.group = String.valueOf(statementId);
        this.cursor = cursor;
        this.next = cursor.next;
    }

    /** The Spark UI's address, as the user would open it. */
    String address() {
        return api.substring(0, api.indexOf("/api/v1/"));
    }

    /** One poll; throws when the Spark UI cannot be reached or answers nonsense. */
    SparkSnapshot poll() {
        pollJobs();
        if (jobs.isEmpty()) {
            polls++;
            return SparkSnapshot.EMPTY.withExecutors(executors, cores);
        }
        pollStages();
        if (polls++ % EXECUTOR_EVERY == 0 || cores == 0) {
            int[] e = SparkRestParser.executors(list("/executors"));
            executors = e[0];
            cores = e[1];
        }
        Set<Integer> ours = stageIds();
        List<SparkStage> ourStages = new ArrayList<>();
        for (SparkStage s : stages.values()) {
            if (ours.contains(s.stageId())) {
                ourStages.add(s);
            }
        }
        return new SparkSnapshot(new ArrayList<>(jobs.values()), ourStages, executors, cores);
    }

    /** The application's Spark properties ({@code /environment}); read once, when a job cannot start. */
    Map<String, String> sparkProperties() {
        JsonNode env = rest.get(api + "/environment");
        return env == null ? Map.of() : SparkRestParser.sparkProperties(env);
    }

    private void pollJobs() {
        Set<Integer> fresh = new HashSet<>();
        int highestRunning = -1;
        for (JsonNode j : list("/jobs?status=running")) {
            see(j);
            fresh.add(j.path("jobId").asInt());
            highestRunning = Math.max(highestRunning, j.path("jobId").asInt());
        }
        if (next < 0) {
            next = 0;
            for (JsonNode j : list("/jobs")) {
                see(j);
                fresh.add(j.path("jobId").asInt());
                next = Math.max(next, j.path("jobId").asInt() + 1);
            }
        }
        int id = next;
        for (; ; id++) {
            if (fresh.contains(id)) {
                continue;
            }
            JsonNode j = rest.get(api + "/jobs/" + id);
            if (j != null && j.path("jobId").asInt(-1) == id) {
                see(j);
                fresh.add(id);
            } else if (id >= highestRunning) {
                break;
            }
            // else: an id whose job never started (Spark failed to build its stages); the running
            // job above it shows that the ids go on.
        }
        next = id;
        cursor.next = Math.max(cursor.next, next);
        for (SparkJob job : List.copyOf(jobs.values())) {
            if (!job.isDone() && !fresh.contains(job.jobId())) {
                JsonNode j = rest.get(api + "/jobs/" + job.jobId());   // it ended since the last poll
                if (j != null) {
                    see(j);
                }
            }
        }
    }

    private void see(JsonNode job) {
        if (group.equals(SparkRestParser.group(job))) {
            SparkJob j = SparkRestParser.job(job);
            jobs.put(j.jobId(), j);
        }
    }

    private void pollStages() {
        List<Integer> open = new ArrayList<>();
        for (int id : stageIds()) {
            SparkStage s = stages.get(id);
            if (s == null || !s.isDone()) {
                open.add(id);
            }
        }
        if (open.isEmpty()) {
            return;
        }
        Map<Integer, SparkStage> active = SparkRestParser.latestAttempts(list("/stages?status=active&status=pending"));
        for (int id : open) {
            SparkStage s = active.get(id);
            if (s == null) {
                // ended since the last poll, or not known to the UI yet (then null again)
                JsonNode attempts = rest.get(api + "/stages/" + id + "?details=false");
                s = attempts == null ? null : SparkRestParser.latestAttempts(attempts).get(id);
            }
            if (s != null) {
                stages.put(id, s);
            }
        }
    }

    private Set<Integer> stageIds() {
        Set<Integer> ids = new HashSet<>();
        jobs.values().forEach(j -> ids.addAll(j.stageIds()));
        return ids;
    }

    private JsonNode list(String path) {
        JsonNode answer = rest.get(api + path);
        if (answer == null || !answer.isArray()) {
            throw new IllegalStateException("the Spark UI answered " + (answer == null ? "404" : "no list") + " for " + path);
        }
        return answer;
    }
}
