package livykernel.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Notices a statement whose Spark job cannot start because the cluster gives the application
 * nowhere to run tasks: a standalone master whose workers are smaller than the executors asked
 * for or busy with other applications, or YARN with no container free. Spark itself only writes
 * "Initial job has not accepted any resources" to the driver's log, which the user does not see,
 * and the cell would wait in silence. Judged from the Spark REST API alone, so it is the same on
 * every cluster manager; in local mode the driver's own cores run the tasks and it never fires.
 * Not thread-safe: one statement's monitor calls it from the progress thread.
 */
final class ExecutorWait {

    /** How long a job must have waited with no executor before the user is told. */
    static final long WAIT_MS = 20_000;

    /** What {@link #observe} asks the monitor to tell the user. */
    enum Event { NONE, STARVED, RESUMED }

    private final long waitMs;
    /** Since when the statement's jobs have had tasks to run and nothing to run them on; -1 while not. */
    private long since = -1;
    private boolean told;

    ExecutorWait(long waitMs) {
        this.waitMs = waitMs;
    }

    /** One poll's snapshot: STARVED once when the wait passes {@code waitMs}, RESUMED once when tasks run after that. */
    Event observe(SparkSnapshot s, long now) {
        if (!starved(s)) {
            since = -1;
            if (told && s.jobs().stream().anyMatch(j -> j.numActiveTasks() > 0 || j.numCompletedTasks() > 0)) {
                told = false;
                return Event.RESUMED;
            }
            return Event.NONE;
        }
        if (since < 0) {
            since = now;
        }
        if (!told && now - since >= waitMs) {
            told = true;
            return Event.STARVED;
        }
        return Event.NONE;
    }

    /** Milliseconds the current wait has lasted (0 when there is none). */
    long waited(long now) {
        return since < 0 ? 0 : now - since;
    }

    /**
     * A running job with tasks left, none of them running, and no core anywhere in the application
     * (no executor, and a driver that runs no tasks, unlike local mode's).
     */
    static boolean starved(SparkSnapshot s) {
        if (s.executors() > 0 || s.cores() > 0) {
            return false;
        }
        boolean pending = false;
        for (SparkJob j : s.jobs()) {
            if (!j.isRunning()) {
                continue;
            }
            if (j.numActiveTasks() > 0) {
                return false;
            }
            pending |= j.numCompletedTasks() + j.numFailedTasks() < j.effectiveTasks();
        }
        return pending;
    }

    /**
     * The sentence for the cell: what is waiting, what the application asked for (from its Spark
     * properties; empty when they could not be read) and what to do about it.
     */
    static String message(long waitedMs, Map<String, String> props) {
        StringBuilder b = new StringBuilder("Spark has started no executor for this job in ")
                .append(Math.max(1, waitedMs / 1000)).append(" s, so its tasks are waiting: ");
        String asked = asked(props);
        b.append(asked.isEmpty() ? "the cluster" : "the application asks for " + asked + ", and the cluster")
                .append(" has not offered that (workers or containers too small, or taken by other applications). ")
                .append("Ask for less with %%configure -f {\"executorMemory\": \"1g\", \"executorCores\": 1}, "
                        + "free resources on the cluster, or interrupt the cell.\n");
        return b.toString();
    }

    static final String RESUMED_MESSAGE = "Spark now has executors for this job; its tasks are running.\n";

    private static String asked(Map<String, String> props) {
        List<String> each = new ArrayList<>();
        String memory = props.get("spark.executor.memory");
        String cores = props.get("spark.executor.cores");
        if (memory != null) {
            each.add(memory + " of memory");
        }
        if (cores != null) {
            each.add(cores + ("1".equals(cores.trim()) ? " core" : " cores"));
        }
        List<String> parts = new ArrayList<>();
        if (!each.isEmpty()) {
            parts.add("executors of " + String.join(" and ", each) + " each");
        }
        String instances = props.get("spark.executor.instances");
        if (instances != null) {
            parts.add(instances + ("1".equals(instances.trim()) ? " executor" : " executors"));
        }
        String maxCores = props.get("spark.cores.max");
        if (maxCores != null) {
            parts.add("at most " + maxCores + " cores in all");
        }
        return String.join(", ", parts);
    }
}
