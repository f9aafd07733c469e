package livykernel.wire;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Signs and verifies messages: lowercase hex HMAC over header, parent, metadata and content
 * bytes. An empty key disables signing (empty signature, every message accepted). Thread-safe.
 */
public final class HmacSigner {

    private static final byte[] NO_SIGNATURE = new byte[0];

    private final SecretKeySpec key;   // null when signing is disabled
    private final String algorithm;

    /** {@code scheme} is the connection file's {@code signature_scheme}, e.g. "hmac-sha256". */
    public HmacSigner(String scheme, byte[] key) {
        this.algorithm = algorithmFor(scheme);
        this.key = key == null || key.length == 0 ? null : new SecretKeySpec(key.clone(), algorithm);
        if (this.key != null) {
            newMac(); // fail at startup, not on the first message, if the JVM lacks the algorithm
        }
    }

    public static HmacSigner of(ConnectionInfo info) {
        return new HmacSigner(info.signatureScheme(), info.key().getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return key != null;
    }

    /** Hex signature as ASCII bytes, empty when signing is disabled. */
    public byte[] sign(byte[] header, byte[] parent, byte[] metadata, byte[] content) {
        if (key == null) {
            return NO_SIGNATURE;
        }
        Mac mac = newMac();
        mac.update(header);
        mac.update(parent);
        mac.update(metadata);
        mac.update(content);
        return HexFormat.of().formatHex(mac.doFinal()).getBytes(StandardCharsets.US_ASCII);
    }

    /** Constant-time comparison of the received signature bytes with the expected one. */
    public boolean verify(byte[] signature, byte[] header, byte[] parent, byte[] metadata, byte[] content) {
        if (key == null) {
            return true;
        }
        if (signature == null || signature.length == 0) {
            return false;
        }
        return MessageDigest.isEqual(sign(header, parent, metadata, content), signature);
    }

    private Mac newMac() {
        // A Mac is stateful, so each call gets its own; init cost is small next to a message round trip.
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + algorithm + " unavailable", e);
        }
    }

    static String algorithmFor(String scheme) {
        String s = scheme == null || scheme.isBlank() ? "hmac-sha256" : scheme.toLowerCase(Locale.ROOT);
        switch (s) {
            case "hmac-sha256": return "HmacSHA256";
            case "hmac-sha1": return "HmacSHA1";
            case "hmac-sha384": return "HmacSHA384";
            case "hmac-sha512": return "HmacSHA512";
            case "hmac-md5": return "HmacMD5";
            default: throw new IllegalArgumentException("unsupported signature_scheme: " + scheme);
        }
    }
}
