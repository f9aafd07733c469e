package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

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
    /** While the history server stands in, the live UI is tried again this often. */
    static final long LIVE_RETRY_MS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(SparkPoller.class);

    private final SparkRest rest;
    /** The live UI's API root of the application, and the one polled now (the history server's after a switch). */
    private final String live;
    private String api;
    private final SparkHistory history;
    private final LongSupplier clock;
    /** While on the history server: when to try the live UI again. */
    private long liveRetryAt;
    private boolean toldSwitch;
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
        this(rest, sparkUiUrl, cursor, statementId, null);
    }

    /**
     * With {@code history} (or null): when the live UI fails (the application ended, its proxy went
     * away), the jobs are read from the history server, whose job ids are the same.
     */
    SparkPoller(SparkRest rest, String sparkUiUrl, JobCursor cursor, int statementId, SparkHistory history) {
        this(rest, sparkUiUrl, cursor, statementId, history, System::currentTimeMillis);
    }

    SparkPoller(SparkRest rest, String sparkUiUrl, JobCursor cursor, int statementId, SparkHistory history,
                LongSupplier clock) {
        this.rest = rest;
        this.live = sparkUiUrl.replaceAll("/+$", "") + "/api/v1/applications/" + cursor.appId;
        this.api = live;
        this.history = history;
        this.clock = clock;
        this.group = String.valueOf(statementId);
        this.cursor = cursor;
        this.next = cursor.next;
    }

    /** The Spark UI's address, as the user would open it (the history server's while read from there). */
    String address() {
        return api.substring(0, api.indexOf("/api/v1/"));
    }

    /** What the jobs are read from, for a sentence: "the Spark UI at …" or "the Spark history server at …". */
    String where() {
        return (onHistory() ? "the Spark history server at " : "the Spark UI at ") + address();
    }

    /** Whether a history server could still give the jobs when the live UI cannot. */
    boolean hasHistory() {
        return history != null;
    }

    /** Whether the jobs are read from the history server now. */
    boolean onHistory() {
        return !api.equals(live);
    }

    /** One poll; throws when neither the Spark UI nor the history server can be read. */
    SparkSnapshot poll() {
        if (history == null) {
            return pollHere();
        }
        if (onHistory()) {
            if (clock.getAsLong() < liveRetryAt) {
                return pollHere();
            }
            // A slow answer (a busy driver) also fails the live UI: while it lives it is the fresher
            // source (the history server reads event logs every few seconds), so it is tried again.
            api = live;
        }
        try {
            return pollHere();
        } catch (RuntimeException liveFailed) {
            return fromHistory(liveFailed);
        }
    }

    private SparkSnapshot fromHistory(RuntimeException liveFailed) {
        try {
            api = history.api(cursor.appId);
        } catch (RuntimeException noHistory) {
            throw new IllegalStateException(liveFailed.getMessage() + "; " + noHistory.getMessage(), liveFailed);
        }
        try {
            SparkSnapshot s = pollHere();
            liveRetryAt = clock.getAsLong() + LIVE_RETRY_MS;
            if (!toldSwitch) {
                toldSwitch = true;
                LOG.info("Spark UI unreachable ({}), reading application {} from the Spark history server at {}",
                        liveFailed.getMessage(), cursor.appId, history.address());
            }
            return s;
        } catch (RuntimeException historyFailed) {
            String where = where();
            api = live;
            throw new IllegalStateException(liveFailed.getMessage() + "; " + where + ": " + historyFailed.getMessage(),
                    liveFailed);
        }
    }

    private SparkSnapshot pollHere() {
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
        JsonNode env = get(api + "/environment");
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
            JsonNode j = get(api + "/jobs/" + id);
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
                JsonNode j = get(api + "/jobs/" + job.jobId());   // it ended since the last poll
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
                JsonNode attempts = get(api + "/stages/" + id + "?details=false");
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

    /** The history server's reads go through it, so a failed one holds it back for a while. */
    private JsonNode get(String url) {
        return onHistory() ? history.get(url) : rest.get(url);
    }

    private JsonNode list(String path) {
        JsonNode answer = get(api + path);
        if (answer == null || !answer.isArray()) {
            throw new IllegalStateException("GET …/applications/" + cursor.appId + path + " answered "
                    + (answer == null ? "404" : "no list"));
        }
        return answer;
    }
}
