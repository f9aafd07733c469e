package livykernel.livy.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TicketCacheTest {

    @TempDir
    Path dir;

    @Test
    void findsTheCacheAsMitsToolsDo() {
        assertEquals(Path.of("/tmp/krb5cc_1000"), TicketCache.location(Map.of(), 1000));
        assertEquals(Path.of("/x/cc"), TicketCache.location(Map.of("KRB5CCNAME", "FILE:/x/cc"), 1000));
        assertEquals(Path.of("/x/cc"), TicketCache.location(Map.of("KRB5CCNAME", "/x/cc"), 1000));
        assertNull(TicketCache.location(Map.of("KRB5CCNAME", "KEYRING:persistent:1000"), 1000), "Java cannot read it");
    }

    @Test
    void readsTheDefaultPrincipalAndTheEndOfTheTicketGrantingTicket() throws IOException {
        Path cache = dir.resolve("cc");
        long end = 1_900_000_000L;
        Files.write(cache, cache("alice", "CORP", new String[][]{
                {"X-CACHECONF:", "krb5_ccache_conf_data", "fast_avail"}, {"krbtgt", "CORP"}, {"HTTP", "livy.corp"}}, end));
        TicketCache.Contents c = TicketCache.read(cache);
        assertEquals("alice@CORP", c.principal());
        assertEquals(Instant.ofEpochSecond(end), c.tgtEnd());
        assertNull(TicketCache.read(dir.resolve("missing")));
        Files.writeString(dir.resolve("junk"), "not a cache");
        assertNull(TicketCache.read(dir.resolve("junk")));
    }

    /** A version 4 FILE cache: header, default principal, one credential per server name. */
    private static byte[] cache(String user, String realm, String[][] servers, long end) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(0x0504);
        out.writeShort(12);
        out.writeShort(1);
        out.writeShort(8);
        out.write(new byte[8]);
        principal(out, realm, user);
        for (String[] server : servers) {
            principal(out, realm, user);
            principal(out, realm, server);
            out.writeShort(18);
            out.writeInt(32);
            out.write(new byte[32]);
            out.writeInt((int) (end - 36000));
            out.writeInt((int) (end - 36000));
            out.writeInt((int) end);
            out.writeInt(0);
            out.writeByte(0);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(3);
            out.write(new byte[3]);
            out.writeInt(0);
        }
        return bytes.toByteArray();
    }

    private static void principal(DataOutputStream out, String realm, String... parts) throws IOException {
        out.writeInt(1);
        out.writeInt(parts.length);
        octets(out, realm);
        for (String p : parts) {
            octets(out, p);
        }
    }

    private static void octets(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
