package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.Message;

/** Accepts comms the front end opens for a registered {@code target_name}. */
@FunctionalInterface
public interface CommTarget {

    /** Called on the execution thread; register listeners on {@code comm} here. */
    void opened(Comm comm, JsonNode data, Message openMessage);
}
