package livykernel.progress;

/** One attempt of a Spark stage ({@code /stages}); status is ACTIVE, COMPLETE, PENDING, SKIPPED or FAILED. */
public record SparkStage(int stageId, int attemptId, String name, String status, int numTasks, int numActiveTasks,
                         int numCompleteTasks, int numFailedTasks, long submissionTime, long completionTime,
                         String failureReason) {

    public boolean isDone() {
        return "COMPLETE".equals(status) || "FAILED".equals(status) || "SKIPPED".equals(status);
    }
}
