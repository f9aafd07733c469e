package livykernel.livy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/** A Livy interactive session as returned by GET /sessions/{id}; fields differ by Livy version. */
public record Session(int id, String name, String appId, String owner, String proxyUser, String state,
                      String kind, AppInfo appInfo, List<String> log) {

    private static final Set<String> FINISHED = Set.of("shutting_down", "error", "dead", "killed", "success");

    /** A session object of Livy's JSON; unknown fields are ignored. */
    public static Session from(JsonNode n) {
        JsonNode app = n.get("appInfo");
        return new Session(n.path("id").asInt(), JsonFields.text(n, "name"), JsonFields.text(n, "appId"),
                JsonFields.text(n, "owner"), JsonFields.text(n, "proxyUser"), JsonFields.text(n, "state"),
                JsonFields.text(n, "kind"),
                app != null && app.isObject() ? new AppInfo(JsonFields.text(app, "driverLogUrl"), JsonFields.text(app, "sparkUiUrl")) : null,
                JsonFields.texts(n, "log"));
    }

    /** True once the session can never run a statement again. */
    public boolean isFinished() {
        return FINISHED.contains(state);
    }

    public boolean isReady() {
        return "idle".equals(state) || "busy".equals(state);
    }

    public String sparkUiUrl() {
        return appInfo == null ? null : appInfo.sparkUiUrl();
    }

    public String driverLogUrl() {
        return appInfo == null ? null : appInfo.driverLogUrl();
    }

    /** Links Livy reports for the Spark application of a session. */
    public record AppInfo(String driverLogUrl, String sparkUiUrl) {
    }
}
