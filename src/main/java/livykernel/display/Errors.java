package livykernel.display;

import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where an error that reaches the user is made: Spark's errors from Livy, the
 * kernel's own (usage, lost session, Livy failures, interrupts) and internal failures. Each
 * gets a traceback that reads as its message, because some front ends (jupyter console among
 * them) show only the traceback.
 */
public final class Errors {

    public static final String KEYBOARD_INTERRUPT = "KeyboardInterrupt";
    private static final int SHORT_SPARK_LINES = 30;

    private Errors() {
    }

    /** A Spark error as Livy reports it: Livy's ename, evalue and traceback, kept whole. */
    public static CellResult spark(String ename, String evalue, List<String> traceback) {
        List<String> lines = new ArrayList<>();
        if (traceback != null) {
            for (String t : traceback) {
                // Livy's lines end in "\n"; Jupyter joins traceback entries with newlines itself.
                lines.add(t.endsWith("\n") ? t.substring(0, t.length() - 1) : t);
            }
        }
        String name = ename == null || ename.isEmpty() ? "Error" : ename;
        String value = evalue == null ? "" : evalue;
        if (lines.isEmpty() || !lines.get(lines.size() - 1).contains(name)) {
            lines.add(name + ": " + value);
        }
        return CellResult.error(name, value, lines);
    }

    /**
     * A Spark error from a magic's statement as its message ("AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] …")
     * instead of a dump of Python frames, logical plans and JVM stack traces.
     */
    public static CellResult sparkMessage(StatementOutput output) {
        String ename = output.ename() == null || output.ename().isBlank() ? "Error" : output.ename();
        return ofMessage(ename, shorten(ename, output.evalue()));
    }

    /** A mistake in how the user called something (a magic, its flags, its body). */
    public static CellResult usage(String ename, String message) {
        return ofMessage(ename, message);
    }

    /** Livy failed or answered something the kernel cannot use. */
    public static CellResult livy(String message) {
        return ofMessage("LivyError", message);
    }

    /** The Spark session could not be started. */
    /** The EMR log archive in S3 could not be read; {@code message} says why and what to do. */
    public static CellResult logArchive(String message) {
        return ofMessage("LogArchiveError", message);
    }

    public static CellResult sessionStart(String message) {
        return ofMessage("SessionError", message);
    }

    // Why a session went: one or two sentences each, the start of every message about a lost session.

    /** Livy's idle timeout reaped the session; says how to raise it. */
    public static String goneIdle(int sessionId, Duration idleFor) {
        return "The Spark session " + sessionId + " is gone: Livy ended it after it had been idle for "
                + duration(idleFor) + " (Livy's idle timeout, livy.server.session.timeout, 1 h by default). "
                + "To raise it on Amazon EMR, set livy.server.session.timeout (e.g. 8h) with "
                + "livy.server.session.timeout-check=true in the livy-conf configuration classification, "
                + "or keep idle sessions yourself with the kernel's session_idle_keepalive setting (e.g. 8h).";
    }

    /** YARN or a user killed the session's application. */
    public static String goneKilled(int sessionId, String state, String evidence) {
        return "The Spark session " + sessionId + " is gone: it was killed, by YARN or by a user ("
                + (evidence != null ? "its log says: \"" + evidence + "\"" : "Livy reports state '" + state + "'") + ").";
    }

    /** The driver ran out of memory; says how to give it more. */
    public static String goneOutOfMemory(int sessionId, String evidence) {
        return "The Spark session " + sessionId + " is gone: its Spark driver ran out of memory (its log says: \""
                + evidence + "\"). Give it more with %%configure -f {\"driverMemory\": \"4g\"} (or a bigger value) "
                + "before running the cells again.";
    }

    /** Spark lost an executor or a node and the session did not survive it. */
    public static String goneLostExecutor(int sessionId, String evidence) {
        return "The Spark session " + sessionId + " is gone: Spark lost an executor or a node of the cluster (its log "
                + "says: \"" + evidence + "\").";
    }

    /** Nothing Livy still has says why; {@code state} is null when Livy no longer knows the session. */
    /** Livy restarted and gave the kernel's session id to another session ({@code other}: its name). */
    public static String goneIdReused(int sessionId, String other) {
        return "The Spark session " + sessionId + " is gone: Livy restarted, and its session " + sessionId
                + " is now another session (" + other + "), which this kernel will not touch.";
    }

    public static String goneUnknown(int sessionId, String state) {
        return "The Spark session " + sessionId + " is gone: "
                + (state == null ? "Livy no longer has it (it was deleted, or Livy restarted), and nothing says why."
                : "Livy reports state '" + state + "' and its log does not say why.");
    }

    /** Before a new session runs the cell that met the loss of the old one ({@code why}: a gone… sentence). */
    public static String newSessionNotice(String why, int replayable) {
        return newSessionNotice(why, replayable, "");
    }

    /** {@code logsAt}: {@link #archivedLogs} for a session whose logs EMR archives, else empty. */
    public static String newSessionNotice(String why, int replayable, String logsAt) {
        return why + " Starting a new session with the same configuration and running this cell in it; its namespace "
                + "is empty, so variables from before are gone" + replayHint(replayable, "") + "." + logsAt;
    }

    /** The session was gone before the cell's statement ran, and the kernel does not recreate sessions by itself. */
    public static CellResult sessionLostBeforeRun(String why, int replayable) {
        return sessionLostBeforeRun(why, replayable, "");
    }

    public static CellResult sessionLostBeforeRun(String why, int replayable, String logsAt) {
        return ofMessage("SessionLost", why + " The cell did not run; the next cell starts a new session with an empty "
                + "namespace" + replayHint(replayable, "then ") + "." + logsAt);
    }

    /**
     * The session went while the cell's statement ran: it is not run again by itself, since it may
     * have had side effects. {@code cellError} is the cell's own error, if it reported one.
     */
    public static CellResult sessionLostWhileRunning(String why, int replayable, CellResult cellError) {
        return sessionLostWhileRunning(why, replayable, cellError, "");
    }

    public static CellResult sessionLostWhileRunning(String why, int replayable, CellResult cellError, String logsAt) {
        String own = cellError == null || cellError.ok() ? ""
                : " The cell's own error was " + cellError.ename() + ": " + firstLine(cellError.evalue()) + ".";
        return ofMessage("SessionLost", why + own + " The cell may have run in part, so it is not run again by itself; "
                + "the next cell starts a new session with an empty namespace" + replayHint(replayable, "then ") + "."
                + logsAt);
    }

    /**
     * Where EMR archives the logs of a lost session, as the end of its message (with a leading
     * space), or empty without {@code uris}.
     */
    public static String archivedLogs(int sessionId, List<String> uris) {
        if (uris.isEmpty()) {
            return "";
        }
        return " Its logs are archived by EMR in S3 at " + String.join(" and ", uris) + " (EMR copies them there every "
                + "5 minutes); read them with: %%logs --s3 --session " + sessionId;
    }

    private static String replayHint(int replayable, String when) {
        if (replayable <= 0) {
            return "";
        }
        return " (" + when + "%%replay re-runs the " + (replayable == 1 ? "cell" : replayable + " cells")
                + " that ran in the lost session)";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String first = s.strip().lines().findFirst().orElse("");
        return first.length() > 200 ? first.substring(0, 200) + "…" : first;
    }

    /** "7 s", "12 min", "1 h 5 min": the idle time as the user thinks of it. */
    static String duration(Duration d) {
        if (d == null) {
            return "a long time";
        }
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        long min = s / 60;
        if (min < 60) {
            return min + " min";
        }
        return min / 60 + " h" + (min % 60 == 0 ? "" : " " + min % 60 + " min");
    }

    /** The user interrupted; {@code detail} says what became of the work. */
    public static CellResult interrupted(String detail) {
        return CellResult.error(KEYBOARD_INTERRUPT, "Interrupted by user. " + detail,
                List.of(KEYBOARD_INTERRUPT + ": " + detail));
    }

    /** A failure inside the kernel: the user sees its class and message, the stack trace goes to the log. */
    public static CellResult internal(Throwable e) {
        String ename = e.getClass().getSimpleName();
        String evalue = e.getMessage() == null ? "" : e.getMessage();
        return CellResult.error(ename, evalue, List.of(evalue.isEmpty() ? ename : ename + ": " + evalue));
    }

    private static CellResult ofMessage(String ename, String message) {
        return CellResult.error(ename, message, List.of(ename + ": " + message));
    }

    static String shorten(String ename, String evalue) {
        if (evalue == null) {
            return "";
        }
        String text = evalue;
        if ("Py4JJavaError".equals(ename)) {
            // "An error occurred while calling o45.sql.\n: org.apache.spark.SparkException: …\n\tat …": the cause line is the message.
            int cause = text.indexOf("\n: ");
            if (cause >= 0) {
                text = text.substring(cause + 3);
            }
        }
        List<String> kept = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (line.startsWith("\tat ") || t.startsWith("JVM stacktrace:") || t.startsWith("'") || t.startsWith("+- ")
                    || t.startsWith(":- ") || t.startsWith("at org.") || t.startsWith("at java.")) {
                break;
            }
            kept.add(line.stripTrailing());
            if (kept.size() == SHORT_SPARK_LINES) {
                kept.add("…");
                break;
            }
        }
        return String.join("\n", kept).strip();
    }
}
