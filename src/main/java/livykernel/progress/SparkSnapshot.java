package livykernel.progress;

import java.util.List;

/**
 * What Spark's REST API said about one statement's jobs at one poll: only jobs of its job group,
 * only their stages (latest attempt each), and the executors in use.
 *
 * @param executors active executors other than the driver (0 in local mode)
 * @param cores     cores of the active executors (the driver's own in local mode)
 */
public record SparkSnapshot(List<SparkJob> jobs, List<SparkStage> stages, int executors, int cores) {

    public static final SparkSnapshot EMPTY = new SparkSnapshot(List.of(), List.of(), 0, 0);

    public SparkSnapshot {
        jobs = List.copyOf(jobs);
        stages = List.copyOf(stages);
    }

    public SparkSnapshot withExecutors(int executors, int cores) {
        return new SparkSnapshot(jobs, stages, executors, cores);
    }

    public boolean anyRunning() {
        return jobs.stream().anyMatch(SparkJob::isRunning);
    }
}
