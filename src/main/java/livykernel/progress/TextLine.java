package livykernel.progress;

import java.util.Locale;

/** The one-line text form of a {@link ProgressState}: a live line while running, a summary at the end. */
public final class TextLine {

    /** Why the fallback view shows: Livy's session has no Spark UI (Livy in local mode, some EMR Serverless). */
    static final String NO_SPARK_UI = "Livy reports no Spark UI for this session, so only Livy's overall progress "
            + "of the jobs so far is shown";

    /** Why the fallback view shows: the Spark UI Livy reported did not answer the kernel. */
    static String unreachable(String address, String why) {
        return unreachableAt("the Spark UI at " + address, why);
    }

    /** The same for {@code where} ("the Spark UI at …", "the Spark history server at …"). */
    static String unreachableAt(String where, String why) {
        return where + " could not be reached from the kernel (" + why
                + "), so only Livy's overall progress of the jobs so far is shown";
    }
    private static final int BAR_WIDTH = 20;

    private TextLine() {
    }

    /** E.g. {@code Spark [=========>          ] 45% 9/20 tasks | job 3 running: count at <stdin>:5 | 1 done | 12.3s}. */
    public static String running(ProgressState s) {
        StringBuilder b = new StringBuilder("Spark ").append(bar(s)).append(' ').append(s.percent()).append('%');
        if (s.detailsUnavailable()) {
            b.append(" of the jobs so far");
        } else {
            b.append(' ').append(s.done()).append('/').append(s.total()).append(" tasks");
            s.jobs().stream().filter(j -> "RUNNING".equals(j.status()) || "UNKNOWN".equals(j.status()))
                    .reduce((a, c) -> c)
                    .ifPresent(j -> b.append(" | job ").append(j.jobId()).append(" running: ").append(j.name()));
            long ok = s.succeededJobs();
            if (ok > 0) {
                b.append(" | ").append(ok).append(ok == 1 ? " job done" : " jobs done");
            }
        }
        b.append(" | ").append(seconds(s.elapsedMillis()));
        return b.toString();
    }

    /** The final line, e.g. {@code Spark: 2 jobs succeeded, 16/16 tasks, 3 stages in 4.1s}. */
    public static String summary(ProgressState s) {
        if (s.detailsUnavailable()) {
            String what = switch (s.outcome()) {
                case SUCCEEDED, RUNNING -> "finished";
                case FAILED -> "failed";
                case CANCELLED -> "cancelled at " + s.percent() + "%";
            };
            return "Spark: " + what + " in " + seconds(s.elapsedMillis()) + " (" + s.detailsNote() + ")";
        }
        int jobs = s.jobs().size();
        String tasks = s.done() + "/" + s.total() + " tasks";
        String stages = s.stages().size() + (s.stages().size() == 1 ? " stage" : " stages");
        String failedTasks = s.failedTasks() > 0 ? ", " + s.failedTasks() + " failed tasks" : "";
        return switch (s.outcome()) {
            case SUCCEEDED, RUNNING -> "Spark: " + jobs + (jobs == 1 ? " job" : " jobs") + " succeeded, " + tasks + ", "
                    + stages + failedTasks + " in " + seconds(s.elapsedMillis());
            case FAILED -> "Spark: " + failedWhere(s) + " after " + tasks + failedTasks + " in " + seconds(s.elapsedMillis());
            case CANCELLED -> "Spark: cancelled after " + tasks + " (" + s.succeededJobs() + " of " + jobs
                    + " jobs done) in " + seconds(s.elapsedMillis());
        };
    }

    static String failedWhere(ProgressState s) {
        ProgressState.StageRow f = s.failedStage();
        if (f == null) {
            return "a job failed";
        }
        return "failed in stage " + f.stageId() + " (" + f.name() + ")";
    }

    static String bar(ProgressState s) {
        int filled = s.total() == 0 ? 0 : (int) Math.floor((double) BAR_WIDTH * s.done() / s.total());
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < BAR_WIDTH; i++) {
            b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return b.append(']').toString();
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1fs", Math.max(0, millis) / 1000.0);
    }
}
