package livykernel.livy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/** A page of a session's log from GET /sessions/{id}/log. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionLog(int id, int from, int total, List<String> log) {
}
