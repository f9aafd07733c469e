package livykernel.livy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A Livy statement: {@code output} is null until it finishes. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Statement(int id, String code, String state, double progress, long started, long completed,
                        StatementOutput output) {

    /** True when Livy will not change the statement's outcome any more. */
    public boolean isFinished() {
        return "available".equals(state) || "error".equals(state) || "cancelled".equals(state);
    }

    public boolean isCancelled() {
        return "cancelled".equals(state) || "cancelling".equals(state);
    }
}
