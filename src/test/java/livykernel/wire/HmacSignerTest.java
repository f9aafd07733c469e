package livykernel.wire;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected digests were computed independently with Python's hmac module. */
class HmacSignerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] HEADER = b("{\"msg_id\":\"k-0001\",\"session\":\"k-sess\",\"username\":\"kernel\","
            + "\"date\":\"2026-01-01T00:00:00.000000Z\",\"msg_type\":\"status\",\"version\":\"5.3\"}");
    private static final byte[] EMPTY = b("{}");
    private static final byte[] IDLE = b("{\"execution_state\":\"idle\"}");

    @Test
    void matchesTheWorkedVectorOfTheProtocolReference() {
        HmacSigner signer = new HmacSigner("hmac-sha256", b("a0436f6c-1916-498b-8eb9-e81ab9368e84"));
        assertEquals("03a95ad243952b2194ba31e033099c774341dd197b566d1c678e9aa2dd6ec4fb",
                new String(signer.sign(HEADER, EMPTY, EMPTY, IDLE), StandardCharsets.US_ASCII));
    }

    @Test
    void signsUtf8KeysAndContentLikePython() {
        byte[] header = b("{\"msg_id\":\"x\",\"msg_type\":\"execute_request\"}");
        byte[] parent = b("{\"msg_id\":\"p\"}");
        byte[] metadata = b("{\"a\":1}");
        byte[] content = b("{\"code\":\"print(\\\"héllo ✓\\\")\"}");
        HmacSigner sha256 = new HmacSigner("hmac-sha256", b("sécret-κλειδί"));
        assertEquals("639ba3c7d9371bf2e6f973b689b2bdd660f2c7a11482afe19ec80f34d3cb3a3f",
                new String(sha256.sign(header, parent, metadata, content), StandardCharsets.US_ASCII));
        HmacSigner sha512 = new HmacSigner("hmac-sha512", b("k"));
        assertEquals("ccff1944dedfe1bbfb8c9979b57b52e68e45a61cb975667cb5e012be02256ea2"
                        + "643a387425e8150e2d0dc225c0c3f65a76ac5f863f16acbd3c466939bf683b88",
                new String(sha512.sign(header, parent, metadata, content), StandardCharsets.US_ASCII));
    }

    @Test
    void verifiesOnlyTheExactSignature() {
        HmacSigner signer = new HmacSigner("hmac-sha256", b("key"));
        byte[] sig = signer.sign(HEADER, EMPTY, EMPTY, IDLE);
        assertTrue(signer.verify(sig, HEADER, EMPTY, EMPTY, IDLE));
        assertFalse(signer.verify(new byte[0], HEADER, EMPTY, EMPTY, IDLE));
        assertFalse(signer.verify(null, HEADER, EMPTY, EMPTY, IDLE));
        assertFalse(signer.verify(sig, HEADER, EMPTY, EMPTY, b("{\"execution_state\":\"busy\"}")));
        byte[] upper = new String(sig, StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII);
        assertFalse(signer.verify(upper, HEADER, EMPTY, EMPTY, IDLE));
        assertFalse(new HmacSigner("hmac-sha256", b("other")).verify(sig, HEADER, EMPTY, EMPTY, IDLE));
    }

    @Test
    void emptyKeyMeansNoSigning() {
        HmacSigner signer = new HmacSigner("hmac-sha256", new byte[0]);
        assertFalse(signer.enabled());
        assertArrayEquals(new byte[0], signer.sign(HEADER, EMPTY, EMPTY, IDLE));
        assertTrue(signer.verify(new byte[0], HEADER, EMPTY, EMPTY, IDLE));
    }

    @Test
    void agreesWithTheJcesMacForEverySchemeAndKeyLength() throws Exception {
        Random random = new Random(42);
        Map<String, String> schemes = Map.of("hmac-sha256", "HmacSHA256", "hmac-sha1", "HmacSHA1",
                "hmac-sha384", "HmacSHA384", "hmac-sha512", "HmacSHA512", "hmac-md5", "HmacMD5");
        // Keys shorter than, equal to and longer than both block sizes (64 and 128 bytes), the last hashed first.
        for (int keyLength : new int[] {1, 36, 63, 64, 65, 127, 128, 129, 300}) {
            for (Map.Entry<String, String> scheme : schemes.entrySet()) {
                byte[] key = new byte[keyLength];
                random.nextBytes(key);
                byte[][] parts = new byte[4][];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = new byte[random.nextInt(200)];
                    random.nextBytes(parts[i]);
                }
                Mac mac = Mac.getInstance(scheme.getValue());
                mac.init(new SecretKeySpec(key, scheme.getValue()));
                for (byte[] part : parts) {
                    mac.update(part);
                }
                String expected = HexFormat.of().formatHex(mac.doFinal());
                byte[] signed = new HmacSigner(scheme.getKey(), key).sign(parts[0], parts[1], parts[2], parts[3]);
                assertEquals(expected, new String(signed, StandardCharsets.US_ASCII), scheme.getKey() + ", key of " + keyLength);
            }
        }
    }

    @Test
    void rejectsUnknownSchemes() {
        assertThrows(IllegalArgumentException.class, () -> new HmacSigner("rsa-sha256", b("k")));
    }
}
