package livykernel.livy.auth;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The user's MIT ticket cache as far as messages and {@code %%info} need it: where it is, whose it
 * is and until when its ticket-granting ticket holds. The JDK logs in from it by itself but only
 * says "Unable to obtain password from user" when it cannot; this tells the user which case it is.
 */
public final class TicketCache {

    /** The parts read from a FILE cache; {@code tgtEnd} is null when it holds no ticket-granting ticket. */
    public record Contents(String principal, Instant tgtEnd) {
    }

    private TicketCache() {
    }

    /**
     * The file the JDK reads, from {@code KRB5CCNAME} ({@code FILE:} or a bare path) or MIT's
     * default {@code /tmp/krb5cc_<uid>}; null when {@code KRB5CCNAME} names a kind of cache the JDK
     * cannot read (KEYRING, KCM, DIR, API, MEMORY).
     */
    public static Path location(Map<String, String> env, long uid) {
        String name = env.get("KRB5CCNAME");
        if (name == null || name.isBlank()) {
            return Path.of("/tmp/krb5cc_" + uid);
        }
        if (name.startsWith("FILE:")) {
            return Path.of(name.substring(5));
        }
        return name.matches("^[A-Za-z]+:.*") ? null : Path.of(name);
    }

    /** The current user's cache, or null as in {@link #location}. */
    public static Path location() {
        return location(System.getenv(), uid());
    }

    static long uid() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /** The cache's default principal and TGT end, or null when the file is missing or not a cache of version 3 or 4. */
    public static Contents read(Path file) {
        if (file == null || !Files.isReadable(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(new DataInputStream(in));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // MIT's ccache format, versions 0x0503 and 0x0504, big-endian: header, default principal, credentials.
    static Contents parse(DataInputStream in) throws IOException {
        int version = in.readUnsignedShort();
        if (version != 0x0503 && version != 0x0504) {
            return null;
        }
        if (version == 0x0504) {
            in.skipNBytes(in.readUnsignedShort());
        }
        String principal = principal(in);
        Instant tgtEnd = null;
        while (true) {
            String server;
            try {
                principal(in);
                server = principal(in);
            } catch (java.io.EOFException end) {
                return new Contents(principal, tgtEnd);
            }
            in.skipNBytes(2);                      // key type
            in.skipNBytes(in.readInt());           // key
            in.skipNBytes(8);                      // authtime, starttime
            long end = Integer.toUnsignedLong(in.readInt());
            in.skipNBytes(4 + 1 + 4);              // renew_till, is_skey, ticket_flags
            for (int i = 0, n = in.readInt(); i < n; i++) {    // addresses
                in.skipNBytes(2);
                in.skipNBytes(in.readInt());
            }
            for (int i = 0, n = in.readInt(); i < n; i++) {    // authdata
                in.skipNBytes(2);
                in.skipNBytes(in.readInt());
            }
            in.skipNBytes(in.readInt());           // ticket
            in.skipNBytes(in.readInt());           // second ticket
            // MIT keeps configuration entries (X-CACHECONF:) as credentials too; only krbtgt/ is the TGT
            if (server.startsWith("krbtgt/")) {
                Instant e = Instant.ofEpochSecond(end);
                tgtEnd = tgtEnd == null || e.isAfter(tgtEnd) ? e : tgtEnd;
            }
        }
    }

    private static String principal(DataInputStream in) throws IOException {
        in.readInt();                              // name type
        int count = in.readInt();
        String realm = octets(in);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parts.add(octets(in));
        }
        return String.join("/", parts) + "@" + realm;
    }

    private static String octets(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 65536) {
            throw new IOException("not a ticket cache");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
}
