package livykernel.livy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A page of a session's log from GET /sessions/{id}/log. */
public record SessionLog(int id, int from, int total, List<String> log) {

    public static SessionLog from(JsonNode n) {
        return new SessionLog(n.path("id").asInt(), n.path("from").asInt(), n.path("total").asInt(), JsonFields.texts(n, "log"));
    }
}
