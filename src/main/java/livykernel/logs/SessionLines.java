package livykernel.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks one session's lines out of the Livy server log, which every session of the cluster
 * writes to: lines naming the session ("session 3", YARN tag "livy-session-3-") or its application.
 */
public final class SessionLines {

    private static final Pattern APP_ID = Pattern.compile("application_\\d+_\\d+");

    private SessionLines() {
    }

    /** The lines of {@code log} about session {@code sessionId} or application {@code appId} (may be null). */
    public static List<String> of(List<String> log, int sessionId, String appId) {
        Pattern session = sessionPattern(sessionId);
        List<String> mine = new ArrayList<>();
        for (String line : log) {
            if (session.matcher(line).find() || (appId != null && line.contains(appId))) {
                mine.add(line);
            }
        }
        return mine;
    }

    /** The YARN application id that Livy's log gives for session {@code sessionId}, or null. */
    public static String appId(List<String> log, int sessionId) {
        Pattern session = sessionPattern(sessionId);
        for (String line : log) {
            if (session.matcher(line).find()) {
                Matcher m = APP_ID.matcher(line);
                if (m.find()) {
                    return m.group();
                }
            }
        }
        return null;
    }

    /** A session number that ends there: "session 3" must not match "session 30". */
    private static Pattern sessionPattern(int sessionId) {
        return Pattern.compile("(?i)(session\\s+" + sessionId + "(?![0-9])|livy-session-" + sessionId + "-)");
    }
}
