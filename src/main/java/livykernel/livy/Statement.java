package livykernel.livy;

import com.fasterxml.jackson.databind.JsonNode;

/** A Livy statement: {@code output} is null until it finishes. */
public record Statement(int id, String code, String state, double progress, long started, long completed,
                        StatementOutput output) {

    /** A statement object of Livy's JSON; unknown fields are ignored. */
    public static Statement from(JsonNode n) {
        JsonNode out = n.get("output");
        return new Statement(n.path("id").asInt(), JsonFields.text(n, "code"), JsonFields.text(n, "state"),
                n.path("progress").asDouble(), n.path("started").asLong(), n.path("completed").asLong(),
                out != null && out.isObject() ? StatementOutput.from(out) : null);
    }

    /** True when Livy will not change the statement's outcome any more. */
    public boolean isFinished() {
        return "available".equals(state) || "error".equals(state) || "cancelled".equals(state);
    }

    public boolean isCancelled() {
        return "cancelled".equals(state) || "cancelling".equals(state);
    }
}
