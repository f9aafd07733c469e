package livykernel.livy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/** A page of GET /sessions. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionList(int from, int total, List<Session> sessions) {
}
