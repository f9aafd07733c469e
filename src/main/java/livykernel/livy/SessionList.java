package livykernel.livy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** A page of GET /sessions. */
public record SessionList(int from, int total, List<Session> sessions) {

    public static SessionList from(JsonNode n) {
        JsonNode items = n.get("sessions");
        List<Session> sessions = null;
        if (items != null && items.isArray()) {
            sessions = new ArrayList<>(items.size());
            for (JsonNode s : items) {
                sessions.add(Session.from(s));
            }
        }
        return new SessionList(n.path("from").asInt(), n.path("total").asInt(), sessions);
    }
}
