package livykernel.display;

import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;

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
    public static CellResult sessionStart(String message) {
        return ofMessage("SessionError", message);
    }

    /** The kernel's session vanished from Livy; its variables are lost. */
    public static CellResult sessionLost(int sessionId, String cause) {
        return ofMessage("SessionLost", "The Spark session " + sessionId + " is gone (Livy may have reaped it after its "
                + "idle timeout, or it died): " + cause + " Its variables are lost; the next cell starts a new session.");
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
