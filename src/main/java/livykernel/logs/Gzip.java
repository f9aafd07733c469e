package livykernel.logs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks EMR's {@code .gz} log copies. The magic is checked first: S3 never decompresses, and
 * whether EMR sets Content-Encoding is undocumented, so the bytes alone decide.
 */
public final class Gzip {

    private Gzip() {
    }

    public static boolean isGzip(byte[] data) {
        return data != null && data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    }

    /** The lines of gzip'd text {@code data} read from {@code where}; an {@link ArchiveException} when it is not gzip or is cut short. */
    public static List<String> lines(byte[] data, S3Location where) {
        if (!isGzip(data)) {
            throw new ArchiveException(where.uri() + " is not gzip data (EMR archives every log as .gz), so it is "
                    + "not an EMR log copy: check that nothing else writes under the cluster's log URI.");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4);
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new ArchiveException(where.uri() + " is a damaged or cut-short gzip file (" + e.getMessage()
                    + "); EMR may still be writing it, so try again in a few minutes.");
        }
    }
}
