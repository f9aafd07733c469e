package livykernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireCodecTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private final HmacSigner signer = new HmacSigner("hmac-sha256", b("secret"));
    private final WireCodec codec = new WireCodec(signer);

    private Message sample() {
        ObjectNode parent = Json.object();
        parent.put("msg_id", "parent-1");
        parent.put("subshell_id", "kept-as-is");
        ObjectNode content = Json.object();
        content.put("code", "print('héllo')");
        return new Message(List.of(b("id-1"), b("id-2")), Header.create("execute_request", "sess", "me"),
                parent, Json.object().put("m", 1), content, List.of(new byte[] {0, 1, 2}));
    }

    @Test
    void encodesFramesInProtocolOrder() {
        Message m = sample();
        List<byte[]> frames = codec.encode(m);
        assertEquals(2 + 1 + 1 + 4 + 1, frames.size());
        assertArrayEquals(b("id-1"), frames.get(0));
        assertArrayEquals(b("id-2"), frames.get(1));
        assertArrayEquals(b("<IDS|MSG>"), frames.get(2));
        assertArrayEquals(signer.sign(frames.get(4), frames.get(5), frames.get(6), frames.get(7)), frames.get(3));
        assertArrayEquals(new byte[] {0, 1, 2}, frames.get(8));
    }

    @Test
    void roundTripsEveryPart() throws Exception {
        Message m = sample();
        Message back = codec.decode(codec.encode(m));
        assertEquals(2, back.identities().size());
        assertArrayEquals(b("id-2"), back.identities().get(1));
        assertEquals(m.header().msgId(), back.header().msgId());
        assertEquals("execute_request", back.msgType());
        assertEquals("sess", back.header().session());
        assertEquals(m.header().json(), back.header().json());
        assertEquals("kept-as-is", back.parentHeader().get("subshell_id").asText());
        assertEquals(1, back.metadata().get("m").asInt());
        assertEquals("print('héllo')", back.content().get("code").asText());
        assertArrayEquals(new byte[] {0, 1, 2}, back.buffers().get(0));
    }

    @Test
    void keepsUnknownHeaderFieldsForParentEcho() throws Exception {
        List<byte[]> frames = frames(signer, "{\"msg_id\":\"a\",\"msg_type\":\"kernel_info_request\",\"x-extra\":[1]}",
                "{}", "{}", "{}");
        Message m = codec.decode(frames);
        JsonNode raw = Json.mapper().readTree(frames.get(3));
        assertEquals(raw, m.header().json());
    }

    @Test
    void rejectsMissingAndBadSignatures() {
        List<byte[]> good = codec.encode(sample());
        List<byte[]> unsigned = new ArrayList<>(good);
        unsigned.set(3, new byte[0]);
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> codec.decode(unsigned));
        assertTrue(e.signatureProblem());

        List<byte[]> tampered = new ArrayList<>(good);
        tampered.set(7, b("{\"code\":\"import os; os.system('rm -rf /')\"}"));
        e = assertThrows(InvalidMessageException.class, () -> codec.decode(tampered));
        assertTrue(e.signatureProblem());

        List<byte[]> wrongKey = new WireCodec(new HmacSigner("hmac-sha256", b("other"))).encode(sample());
        assertThrows(InvalidMessageException.class, () -> codec.decode(wrongKey));
    }

    @Test
    void buffersAreNotSigned() throws Exception {
        List<byte[]> frames = new ArrayList<>(codec.encode(sample()));
        frames.set(frames.size() - 1, new byte[] {9});
        assertArrayEquals(new byte[] {9}, codec.decode(frames).buffers().get(0));
    }

    @Test
    void rejectsMalformedFrames() {
        assertThrows(InvalidMessageException.class, () -> codec.decode(List.of(b("no delimiter"))));
        assertThrows(InvalidMessageException.class,
                () -> codec.decode(List.of(b("<IDS|MSG>"), b("sig"), b("{}"))));
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> codec.decode(frames(signer, "not json", "{}", "{}", "{}")));
        assertFalse(e.signatureProblem());
        assertThrows(InvalidMessageException.class, () -> codec.decode(frames(signer, "[1]", "{}", "{}", "{}")));
        assertThrows(InvalidMessageException.class,
                () -> codec.decode(frames(signer, "{\"msg_id\":\"a\"}", "{}", "{}", "{}")));
        assertThrows(InvalidMessageException.class,
                () -> codec.decode(frames(signer, "{\"msg_type\":\"x\"}", "{}", "{}", "3")));
    }

    @Test
    void emptyKeyAcceptsUnsignedMessages() throws Exception {
        HmacSigner none = new HmacSigner("hmac-sha256", new byte[0]);
        WireCodec open = new WireCodec(none);
        List<byte[]> frames = open.encode(sample());
        assertArrayEquals(new byte[0], frames.get(3));
        assertEquals("execute_request", open.decode(frames).msgType());
    }

    static List<byte[]> frames(HmacSigner signer, String header, String parent, String metadata, String content) {
        byte[] h = b(header);
        byte[] p = b(parent);
        byte[] m = b(metadata);
        byte[] c = b(content);
        return List.of(b("ident"), WireCodec.DELIMITER, signer.sign(h, p, m, c), h, p, m, c);
    }
}
