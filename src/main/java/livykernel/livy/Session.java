package livykernel.livy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;
import java.util.Set;

/** A Livy interactive session as returned by GET /sessions/{id}; fields differ by Livy version. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Session(int id, String name, String appId, String owner, String proxyUser, String state,
                      String kind, AppInfo appInfo, List<String> log) {

    private static final Set<String> FINISHED = Set.of("shutting_down", "error", "dead", "killed", "success");

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
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AppInfo(String driverLogUrl, String sparkUiUrl) {
    }
}
