package livykernel.magics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The helper snippets run in a real Python (without Spark) and clean up after themselves. */
class SnippetsRunInPythonTest {

    private static String python(String code) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 not available");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static final String LEFTOVERS = "\nprint([n for n in globals() if n.startswith('_livy_kernel')])";

    @Test
    void completionSnippet() throws Exception {
        String out = python("import os\n" + SessionPython.complete("os.pa") + LEFTOVERS);
        SessionPython.Printed p = SessionPython.parse(out);
        assertNotNull(p, out);
        assertTrue(p.result().path("matches").toString().contains("\"os.path\""), out);
        assertEquals("[]", p.after().strip());
    }

    @Test
    void inspectSnippet() throws Exception {
        String out = python(SessionPython.inspect("len", 0) + LEFTOVERS);
        SessionPython.Printed p = SessionPython.parse(out);
        assertNotNull(p, out);
        assertEquals("(obj, /)", p.result().path("signature").asText());
        assertTrue(p.result().path("doc").asText().contains("number of items"), out);
        assertEquals("[]", p.after().strip());
    }

    @Test
    void rowChunksHandOutTheStashInPiecesAndTheLastDropsIt() throws Exception {
        String stash = "_livy_kernel_rows = ['{\"a\": %d, \"s\": \"x\\\\ny\"}' % i for i in range(5)]\n";
        String out = python(stash + SessionPython.rowChunk(0, 3, false) + "\n");
        assertEquals(java.util.List.of("{\"a\": 0, \"s\": \"x\\ny\"}", "{\"a\": 1, \"s\": \"x\\ny\"}",
                "{\"a\": 2, \"s\": \"x\\ny\"}"), SessionPython.parseRows(out));
        out = python(stash + SessionPython.rowChunk(3, 5, true) + LEFTOVERS);
        String printed = out.substring(0, out.lastIndexOf('['));
        assertEquals(2, SessionPython.parseRows(printed).size(), out);
        assertEquals("[]", out.substring(out.lastIndexOf('[')).strip());
        assertEquals(java.util.List.of(), SessionPython.parseRows(python("_livy_kernel_rows = []\n"
                + SessionPython.rowChunk(0, 0, true))));
    }
}
