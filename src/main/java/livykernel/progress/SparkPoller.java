package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.Set;

/**
 * Reads one statement's jobs, stages and executors from the Spark UI's REST API. Stages and
 * executors are only fetched when they can matter, to keep the load on the driver small.
 */
final class SparkPoller {

    /** Executors change rarely; polling them every few job polls is enough. */
    private static final int EXECUTOR_EVERY = 8;

    private final SparkRest rest;
    private final String api;
    private final String group;
    private int polls;
    private int executors;
    private int cores;

    /** {@code sparkUiUrl} as Livy reports it (a YARN proxy URL on EMR, with or without a trailing slash). */
    SparkPoller(SparkRest rest, String sparkUiUrl, String appId, int statementId) {
        this.rest = rest;
        this.api = sparkUiUrl.replaceAll("/+$", "") + "/api/v1/applications/" + appId;
        this.group = String.valueOf(statementId);
    }

    /** One poll; throws when the Spark UI cannot be reached or answers nonsense. */
    SparkSnapshot poll() {
        JsonNode jobsJson = rest.get(api + "/jobs");
        var jobs = SparkRestParser.jobs(jobsJson, group);
        if (jobs.isEmpty()) {
            polls++;
            return SparkSnapshot.EMPTY.withExecutors(executors, cores);
        }
        Set<Integer> stageIds = new HashSet<>();
        jobs.forEach(j -> stageIds.addAll(j.stageIds()));
        var stages = SparkRestParser.stages(rest.get(api + "/stages"), stageIds);
        if (polls++ % EXECUTOR_EVERY == 0 || cores == 0) {
            int[] e = SparkRestParser.executors(rest.get(api + "/executors"));
            executors = e[0];
            cores = e[1];
        }
        return new SparkSnapshot(jobs, stages, executors, cores);
    }
}
