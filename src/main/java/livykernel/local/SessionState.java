package livykernel.local;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Livy's session states, serialized in lower case. */
public enum SessionState {
    NOT_STARTED, STARTING, IDLE, BUSY, SHUTTING_DOWN, ERROR, DEAD, KILLED, SUCCESS;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether statements may be submitted (Livy accepts them while idle or busy). */
    public boolean acceptsStatements() {
        return this == IDLE || this == BUSY;
    }

    /** Livy's isActive: error still counts as active, finished-and-stopping states do not. */
    public boolean isActive() {
        return !(this == SHUTTING_DOWN || this == DEAD || this == KILLED || this == SUCCESS);
    }

    /** Finished states never change again. */
    public boolean isFinal() {
        return this == DEAD || this == KILLED || this == SUCCESS;
    }
}
