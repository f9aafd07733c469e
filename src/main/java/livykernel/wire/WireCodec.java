package livykernel.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts between {@link Message} and ZMQ frames:
 * {@code [ident…] <IDS|MSG> signature header parent metadata content [buffer…]}.
 * Decoding verifies the signature on the received bytes before parsing any JSON.
 */
public final class WireCodec {

    public static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    private final HmacSigner signer;

    public WireCodec(HmacSigner signer) {
        this.signer = signer;
    }

    /** Loads the classes of a message's round trip (Main's warm-up thread), signing aside. */
    public static void warmUp() {
        try {
            JsonTree.readObject(JsonTree.write(Json.object().put("warm", 1).put("up", "x")));
        } catch (IOException e) {
            // only warming: the real use reports
        }
    }

    public List<byte[]> encode(Message message) {
        try {
            byte[] header = JsonTree.write(message.header().json());
            byte[] parent = JsonTree.write(message.parentHeader());
            byte[] metadata = JsonTree.write(message.metadata());
            byte[] content = JsonTree.write(message.content());
            List<byte[]> frames = new ArrayList<>(message.identities().size() + 6 + message.buffers().size());
            frames.addAll(message.identities());
            frames.add(DELIMITER);
            frames.add(signer.sign(header, parent, metadata, content));
            frames.add(header);
            frames.add(parent);
            frames.add(metadata);
            frames.add(content);
            frames.addAll(message.buffers());
            return frames;
        } catch (IOException e) {
            throw new IllegalArgumentException("message not serializable", e);
        }
    }

    public Message decode(List<byte[]> frames) throws InvalidMessageException {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0) {
            throw new InvalidMessageException("no <IDS|MSG> delimiter", false);
        }
        if (frames.size() < delimiter + 6) {
            throw new InvalidMessageException("too few frames after delimiter", false);
        }
        byte[] signature = frames.get(delimiter + 1);
        byte[] header = frames.get(delimiter + 2);
        byte[] parent = frames.get(delimiter + 3);
        byte[] metadata = frames.get(delimiter + 4);
        byte[] content = frames.get(delimiter + 5);
        if (signer.enabled() && signature.length == 0) {
            throw new InvalidMessageException("unsigned message", true);
        }
        if (!signer.verify(signature, header, parent, metadata, content)) {
            throw new InvalidMessageException("bad signature", true);
        }
        try {
            return new Message(frames.subList(0, delimiter), Header.fromJson(readObject(header, "header")),
                    readObject(parent, "parent_header"), readObject(metadata, "metadata"),
                    readObject(content, "content"), frames.subList(delimiter + 6, frames.size()));
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(e.getMessage(), false);
        }
    }

    private static JsonNode readObject(byte[] bytes, String what) throws InvalidMessageException {
        try {
            JsonNode node = JsonTree.readObject(bytes);
            if (node == null) {
                throw new InvalidMessageException(what + " is not a JSON object", false);
            }
            return node;
        } catch (IOException e) {
            throw new InvalidMessageException(what + " is not valid JSON", false);
        }
    }
}
