package livykernel.logs;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GzipTest {

    private static final S3Location WHERE = new S3Location("b", "j-1/containers/a/c/stderr.gz");

    static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    @Test
    void gzipDataIsUnpackedIntoLines() {
        assertTrue(Gzip.isGzip(gzip("x")));
        assertEquals(List.of("one", "two", "", "drei ü"), Gzip.lines(gzip("one\ntwo\r\n\ndrei ü\n"), WHERE));
        assertEquals(List.of(), Gzip.lines(gzip(""), WHERE));
    }

    @Test
    void plainTextIsRefusedInOneSentenceNamingTheObject() {
        byte[] plain = "INFO not compressed\n".getBytes(StandardCharsets.UTF_8);
        assertFalse(Gzip.isGzip(plain));
        assertFalse(Gzip.isGzip(new byte[]{0x1f}));
        ArchiveException e = assertThrows(ArchiveException.class, () -> Gzip.lines(plain, WHERE));
        assertTrue(e.getMessage().startsWith("s3://b/j-1/containers/a/c/stderr.gz is not gzip data"), e.getMessage());
    }

    @Test
    void aCutShortFileSaysToTryAgain() {
        byte[] whole = gzip("a line that is long enough to be cut\n".repeat(50));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        ArchiveException e = assertThrows(ArchiveException.class, () -> Gzip.lines(cut, WHERE));
        assertTrue(e.getMessage().contains("damaged or cut-short") && e.getMessage().contains("try again"), e.getMessage());
    }
}
