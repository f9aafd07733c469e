package livykernel.local;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/** One statement of a local session; mutated only under its session's lock. */
final class LocalStatement {
    final int id;
    final String code;
    final SessionKind kind;
    StatementState state = StatementState.WAITING;
    double progress;
    long started;
    long completed;
    JsonNode output;

    LocalStatement(int id, String code, SessionKind kind) {
        this.id = id;
        this.code = code;
        this.kind = kind;
    }

    /** Livy's statement JSON (progress forced to 1.0 once done, as Livy does). */
    @JsonPropertyOrder({"id", "code", "state", "output", "progress", "started", "completed"})
    record Json(int id, String code, StatementState state, JsonNode output, double progress, long started,
                long completed) {
    }

    Json toJson() {
        double p = state.isDone() ? 1.0 : progress;
        return new Json(id, code, state, output, p, started, completed);
    }
}
