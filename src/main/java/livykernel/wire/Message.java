package livykernel.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One Jupyter message. {@code identities} are the ROUTER routing frames (or the topic for
 * iopub); {@code parentHeader}, {@code metadata} and {@code content} are JSON objects;
 * {@code buffers} are raw trailing frames (not signed).
 */
public record Message(List<byte[]> identities, Header header, JsonNode parentHeader, JsonNode metadata,
                      JsonNode content, List<byte[]> buffers) {

    public Message {
        identities = identities == null ? List.of() : List.copyOf(identities);
        parentHeader = parentHeader == null ? Json.object() : parentHeader;
        metadata = metadata == null ? Json.object() : metadata;
        content = content == null ? Json.object() : content;
        buffers = buffers == null ? List.of() : List.copyOf(buffers);
    }

    public String msgType() {
        return header.msgType();
    }
}
