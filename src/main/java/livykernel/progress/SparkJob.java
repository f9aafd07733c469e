package livykernel.progress;

import java.util.List;

/** One Spark job as the monitoring REST API reports it ({@code /jobs}); times are epoch ms, 0 when unknown. */
public record SparkJob(int jobId, String name, String status, int numTasks, int numActiveTasks,
                       int numCompletedTasks, int numSkippedTasks, int numFailedTasks, List<Integer> stageIds,
                       long submissionTime, long completionTime) {

    public SparkJob {
        stageIds = List.copyOf(stageIds);
    }

    public boolean isRunning() {
        return "RUNNING".equals(status) || "UNKNOWN".equals(status);
    }

    /** SUCCEEDED or FAILED: Spark will not change it any more. */
    public boolean isDone() {
        return "SUCCEEDED".equals(status) || "FAILED".equals(status);
    }

    public boolean isFailed() {
        return "FAILED".equals(status);
    }

    /** Tasks that will run: skipped stages' tasks never do, so they count neither as done nor as total. */
    public int effectiveTasks() {
        return Math.max(0, numTasks - numSkippedTasks);
    }
}
