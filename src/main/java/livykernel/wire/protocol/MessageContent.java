package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The content of one message type the kernel sends. Written to Jackson's tree by hand, not by
 * record binding, which would build serializers by reflection on the kernel's first messages.
 */
public interface MessageContent {

    /** The header's {@code msg_type} for this content. */
    String msgType();

    /** A fresh JSON object holding the content, fields in the order front ends have always seen. */
    ObjectNode toJson();
}
