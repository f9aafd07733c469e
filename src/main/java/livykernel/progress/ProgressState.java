package livykernel.progress;

import java.util.ArrayList;
import java.util.List;

/**
 * What the progress views show for one statement at one moment, derived from a Spark snapshot
 * (or, when the Spark UI is unreachable, from Livy's own {@code progress} fraction). Pure data:
 * the widget, the text line and the HTML snapshot all render from it.
 *
 * @param detailsNote        why only Livy's overall fraction is known (no Spark UI reported, or which
 *                           address could not be reached); null when Spark's own job details are shown
 * @param failedStage        the first failed stage (or the failed job's unfinished stage), null if none
 */
public record ProgressState(Outcome outcome, int done, int total, List<JobRow> jobs, List<StageRow> stages,
                            int executors, int cores, String detailsNote, StageRow failedStage,
                            long elapsedMillis) {

    /** Where the statement stands. */
    public enum Outcome { RUNNING, SUCCEEDED, FAILED, CANCELLED }

    /** One job's bar. */
    public record JobRow(int jobId, String name, String status, int done, int total, int failedTasks) {
        /** ipywidgets bar_style: info while running, success, danger. */
        public String barStyle() {
            return switch (status) {
                case "SUCCEEDED" -> "success";
                case "FAILED" -> "danger";
                case "CANCELLED" -> "warning";
                default -> "info";
            };
        }
    }

    /** One row of the stage table; {@code elapsedMillis} is -1 when the stage never ran. */
    public record StageRow(int stageId, String name, String status, int done, int total, long elapsedMillis,
                           int failedTasks, String failureReason) {
    }

    public ProgressState {
        jobs = List.copyOf(jobs);
        stages = List.copyOf(stages);
    }

    /** State from a Spark REST snapshot; {@code now} is epoch ms (for running stages' elapsed time). */
    public static ProgressState of(SparkSnapshot snap, Outcome outcome, long now, long elapsedMillis) {
        List<JobRow> jobs = new ArrayList<>();
        int done = 0;
        int total = 0;
        for (SparkJob j : snap.jobs()) {
            String status = outcome == Outcome.CANCELLED && j.isRunning() ? "CANCELLED" : j.status();
            int jobTotal = j.effectiveTasks();
            // Spark can report a succeeded job's last task counts a moment late; the job is complete.
            int jobDone = "SUCCEEDED".equals(j.status()) ? jobTotal : Math.min(j.numCompletedTasks(), jobTotal);
            jobs.add(new JobRow(j.jobId(), j.name(), status, jobDone, jobTotal, j.numFailedTasks()));
            done += jobDone;
            total += jobTotal;
        }
        List<StageRow> stages = new ArrayList<>();
        StageRow failed = null;
        for (SparkStage s : snap.stages()) {
            long elapsed = s.submissionTime() <= 0 ? -1
                    : Math.max(0, (s.completionTime() > 0 ? s.completionTime() : now) - s.submissionTime());
            StageRow row = new StageRow(s.stageId(), s.name(), s.status(),
                    Math.min(s.numCompleteTasks(), s.numTasks()), s.numTasks(), elapsed, s.numFailedTasks(),
                    s.failureReason());
            stages.add(row);
            if (failed == null && "FAILED".equals(s.status())) {
                failed = row;
            }
        }
        Outcome effective = outcome;
        if (outcome == Outcome.SUCCEEDED && snap.jobs().stream().anyMatch(SparkJob::isFailed)) {
            effective = Outcome.FAILED;
        }
        if (effective == Outcome.FAILED && failed == null) {
            failed = firstUnfinishedStageOfFailedJob(snap, stages);
        }
        return new ProgressState(effective, done, total, jobs, stages, snap.executors(), snap.cores(), null,
                effective == Outcome.FAILED ? failed : null, elapsedMillis);
    }

    /**
     * State from Livy's {@code progress} (0..1) alone, when Spark's own job details are out of reach.
     * Livy's fraction covers only the jobs seen so far, so it is shown as a percentage of those,
     * never as task counts; the caller keeps it from falling.
     */
    public static ProgressState fallback(double livyProgress, Outcome outcome, long elapsedMillis, String note) {
        int pct = (int) Math.round(Math.max(0, Math.min(1, livyProgress)) * 100);
        if (outcome == Outcome.SUCCEEDED) {
            pct = 100;
        }
        String status = switch (outcome) {
            case RUNNING -> "RUNNING";
            case SUCCEEDED -> "SUCCEEDED";
            case FAILED -> "FAILED";
            case CANCELLED -> "CANCELLED";
        };
        JobRow row = new JobRow(-1, FALLBACK_ROW, status, pct, 100, 0);
        return new ProgressState(outcome, pct, 100, List.of(row), List.of(), 0, 0, note, null, elapsedMillis);
    }

    /** The one row of the fallback view. */
    static final String FALLBACK_ROW = "Spark jobs of this cell so far";

    /** Whether only Livy's overall fraction is known. */
    public boolean detailsUnavailable() {
        return detailsNote != null;
    }

    private static StageRow firstUnfinishedStageOfFailedJob(SparkSnapshot snap, List<StageRow> stages) {
        for (SparkJob j : snap.jobs()) {
            if (!j.isFailed()) {
                continue;
            }
            for (StageRow s : stages) {
                if (j.stageIds().contains(s.stageId()) && !"COMPLETE".equals(s.status()) && !"SKIPPED".equals(s.status())) {
                    return s;
                }
            }
        }
        return null;
    }

    public int percent() {
        return total == 0 ? (outcome == Outcome.SUCCEEDED ? 100 : 0) : (int) Math.floor(100.0 * done / total);
    }

    public long runningJobs() {
        return jobs.stream().filter(j -> "RUNNING".equals(j.status()) || "UNKNOWN".equals(j.status())).count();
    }

    public long succeededJobs() {
        return jobs.stream().filter(j -> "SUCCEEDED".equals(j.status())).count();
    }

    public int failedTasks() {
        return jobs.stream().mapToInt(JobRow::failedTasks).sum();
    }

    /** ipywidgets bar_style of the overall bar. */
    public String barStyle() {
        return switch (outcome) {
            case RUNNING -> "info";
            case SUCCEEDED -> "success";
            case FAILED -> "danger";
            case CANCELLED -> "warning";
        };
    }
}
