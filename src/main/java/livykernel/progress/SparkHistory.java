package livykernel.progress;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A Spark history server ({@code spark_history_server_url}, port 18080 on EMR): where a finished
 * application's jobs stay readable once its live UI (and YARN's proxy to it) is gone. Its REST API
 * has the live UI's shapes, but an application run on YARN in cluster mode is known by its
 * attempt: {@code /api/v1/applications/<appId>/<attemptId>/jobs}.
 */
public final class SparkHistory {

    /**
     * After the server could not be reached, it is not asked again for this long: each try can
     * cost the Spark UI's whole timeout on the progress thread, on top of the live UI's own.
     */
    static final long UNREACHABLE_BACKOFF_MS = 10_000;

    private final SparkRest rest;
    private final String base;
    private final LongSupplier clock;
    /** A finished application's newest attempt does not change; null values are not cached. */
    private final Map<String, String> attempts = new ConcurrentHashMap<>();
    private volatile long unreachableUntil = Long.MIN_VALUE;
    private volatile String unreachableWhy;

    public SparkHistory(SparkRest rest, String url) {
        this(rest, url, System::currentTimeMillis);
    }

    SparkHistory(SparkRest rest, String url, LongSupplier clock) {
        this.rest = rest;
        this.base = url.replaceAll("/+$", "");
        this.clock = clock;
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
        if (clock.getAsLong() < unreachableUntil) {
            throw new IllegalStateException(unreachable(unreachableWhy));
        }
        String attempt = attempts.get(appId);
        if (attempt == null) {
            JsonNode app;
            try {
                app = rest.get(root);
            } catch (RuntimeException e) {
                wentUnreachable(e);
                throw new IllegalStateException(unreachable(e.getMessage()), e);
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

    /**
     * Reads the history server's REST API; a request that fails (not a 404) keeps the server from
     * being asked again for {@link #UNREACHABLE_BACKOFF_MS}.
     */
    JsonNode get(String url) {
        try {
            return rest.get(url);
        } catch (RuntimeException e) {
            wentUnreachable(e);
            throw e;
        }
    }

    private void wentUnreachable(RuntimeException e) {
        unreachableWhy = e.getMessage();
        unreachableUntil = clock.getAsLong() + UNREACHABLE_BACKOFF_MS;
    }

    private String unreachable(String why) {
        return "the Spark history server at " + base + " could not be reached (" + why + ")";
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
