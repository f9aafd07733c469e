package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Spark history server ({@code spark_history_server_url}, port 18080 on EMR): where a finished
 * application's jobs stay readable once its live UI (and YARN's proxy to it) is gone. Its REST API
 * has the live UI's shapes, but an application run on YARN in cluster mode is known by its
 * attempt: {@code /api/v1/applications/<appId>/<attemptId>/jobs}.
 */
public final class SparkHistory {

    private final SparkRest rest;
    private final String base;
    /** A finished application's newest attempt does not change; null values are not cached. */
    private final Map<String, String> attempts = new ConcurrentHashMap<>();

    public SparkHistory(SparkRest rest, String url) {
        this.rest = rest;
        this.base = url.replaceAll("/+$", "");
    }

    /** The history server's address, as configured. */
    public String address() {
        return base;
    }

    /**
     * The API root of the application's newest attempt ({@code …/applications/<appId>[/<attemptId>]});
     * throws with the reason when the server does not know the application (yet: it reads event logs
     * every few seconds) or cannot be reached.
     */
    String api(String appId) {
        String root = base + "/api/v1/applications/" + appId;
        String attempt = attempts.get(appId);
        if (attempt == null) {
            JsonNode app;
            try {
                app = rest.get(root);
            } catch (RuntimeException e) {
                throw new IllegalStateException("the Spark history server at " + base + " could not be reached ("
                        + e.getMessage() + ")", e);
            }
            if (app == null || !app.isObject()) {
                throw new IllegalStateException("the Spark history server at " + base + " does not list application "
                        + appId + " (yet: it reads event logs every few seconds)");
            }
            attempt = newestAttempt(app);
            attempts.put(appId, attempt);
        }
        return attempt.isEmpty() ? root : root + "/" + attempt;
    }

    /** The application's page on the history server, for a link; its attempt when the server says which. */
    public String uiLink(String appId) {
        String attempt = attempts.get(appId);
        if (attempt == null) {
            try {
                api(appId);
                attempt = attempts.getOrDefault(appId, "");
            } catch (RuntimeException e) {
                attempt = "";
            }
        }
        return base + "/history/" + appId + "/" + (attempt.isEmpty() ? "" : attempt + "/");
    }

    /** The attempt id of the latest attempt, "" for an application without attempt ids (client or local mode). */
    static String newestAttempt(JsonNode app) {
        JsonNode newest = null;
        for (JsonNode a : app.path("attempts")) {
            if (newest == null || a.path("startTimeEpoch").asLong() > newest.path("startTimeEpoch").asLong()) {
                newest = a;
            }
        }
        return newest != null && newest.path("attemptId").isTextual() ? newest.path("attemptId").asText() : "";
    }
}
