package livykernel.local;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Livy's statement states; errors are {@code available} with an error output, as in Livy. */
public enum StatementState {
    WAITING, RUNNING, AVAILABLE, ERROR, CANCELLING, CANCELLED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The statement has its final state: progress is reported as 1.0. */
    public boolean isDone() {
        return this == AVAILABLE || this == ERROR || this == CANCELLED;
    }
}
