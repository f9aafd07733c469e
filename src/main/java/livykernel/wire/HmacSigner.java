package livykernel.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Signs and verifies messages: lowercase hex HMAC over header, parent, metadata and content
 * bytes. An empty key disables signing (empty signature, every message accepted). Thread-safe.
 *
 * <p>HMAC (RFC 2104) is computed here over {@link MessageDigest} rather than {@code javax.crypto.Mac}:
 * the JCE's first use reads its jurisdiction policy and loads five providers, about 40 ms before
 * the kernel's first reply on 2 cores (bench/notes.md); the digest needs only the first provider.
 * HmacSignerTest checks it against {@code Mac} for every scheme.
 */
public final class HmacSigner {

    private static final byte[] NO_SIGNATURE = new byte[0];
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final String digest;
    private final byte[] innerPad;   // null when signing is disabled
    private final byte[] outerPad;

    /** {@code scheme} is the connection file's {@code signature_scheme}, e.g. "hmac-sha256". */
    public HmacSigner(String scheme, byte[] key) {
        this.digest = digestFor(algorithmFor(scheme));
        if (key == null || key.length == 0) {
            innerPad = null;
            outerPad = null;
            return;
        }
        // Fails at startup, not on the first message, if the JVM lacks the algorithm.
        MessageDigest md = newDigest();
        int block = blockSize(digest);
        byte[] k = key.length > block ? md.digest(key) : key.clone();
        innerPad = new byte[block];
        outerPad = new byte[block];
        for (int i = 0; i < block; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ IPAD);
            outerPad[i] = (byte) (b ^ OPAD);
        }
        Arrays.fill(k, (byte) 0);
    }

    public static HmacSigner of(ConnectionInfo info) {
        return new HmacSigner(info.signatureScheme(), info.key().getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return innerPad != null;
    }

    /** Hex signature as ASCII bytes, empty when signing is disabled. */
    public byte[] sign(byte[] header, byte[] parent, byte[] metadata, byte[] content) {
        if (innerPad == null) {
            return NO_SIGNATURE;
        }
        // A digest is stateful, so each call gets its own.
        MessageDigest md = newDigest();
        md.update(innerPad);
        md.update(header);
        md.update(parent);
        md.update(metadata);
        md.update(content);
        byte[] inner = md.digest();
        md.update(outerPad);
        md.update(inner);
        return HexFormat.of().formatHex(md.digest()).getBytes(StandardCharsets.US_ASCII);
    }

    /** Constant-time comparison of the received signature bytes with the expected one. */
    public boolean verify(byte[] signature, byte[] header, byte[] parent, byte[] metadata, byte[] content) {
        if (innerPad == null) {
            return true;
        }
        if (signature == null || signature.length == 0) {
            return false;
        }
        return MessageDigest.isEqual(sign(header, parent, metadata, content), signature);
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HMAC over " + digest + " unavailable", e);
        }
    }

    /** The digest behind a JCA HMAC name ("HmacSHA256" is over "SHA-256"). */
    static String digestFor(String hmacAlgorithm) {
        return switch (hmacAlgorithm) {
            case "HmacSHA256" -> "SHA-256";
            case "HmacSHA1" -> "SHA-1";
            case "HmacSHA384" -> "SHA-384";
            case "HmacSHA512" -> "SHA-512";
            case "HmacMD5" -> "MD5";
            default -> throw new IllegalArgumentException("unsupported HMAC " + hmacAlgorithm);
        };
    }

    /** RFC 2104's B: the digest's input block size in bytes. */
    private static int blockSize(String digest) {
        return digest.equals("SHA-384") || digest.equals("SHA-512") ? 128 : 64;
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
