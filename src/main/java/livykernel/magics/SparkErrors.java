package livykernel.magics;

import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Spark error from a magic's statement into its message ("AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] …")
 * instead of a dump of Python frames, logical plans and JVM stack traces.
 */
final class SparkErrors {

    private static final int MAX_LINES = 30;

    private SparkErrors() {
    }

    static CellResult result(StatementOutput output) {
        String ename = output.ename() == null || output.ename().isBlank() ? "Error" : output.ename();
        String message = shorten(ename, output.evalue());
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
            if (kept.size() == MAX_LINES) {
                kept.add("…");
                break;
            }
        }
        return String.join("\n", kept).strip();
    }
}
