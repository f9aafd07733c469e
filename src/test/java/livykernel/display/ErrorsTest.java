package livykernel.display;

import livykernel.kernel.CellResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorsTest {

    @Test
    void py4jErrorsAreShortenedToTheirCause() {
        assertEquals("org.apache.spark.SparkException: boom", Errors.shorten("Py4JJavaError",
                "An error occurred while calling o45.sql.\n: org.apache.spark.SparkException: boom\n\tat org.apache.X"));
    }

    @Test
    void everyErrorTheKernelMakesHasATracebackThatReadsAsItsMessage() {
        List<CellResult> made = List.of(
                Errors.usage("UnknownMagic", "%%infoo is not a magic of this kernel."),
                Errors.livy("Could not submit the cell to Livy: connection refused"),
                Errors.sessionStart("The Spark session 3 failed to start."),
                Errors.sessionLostBeforeRun(Errors.goneUnknown(3, null), 0),
                Errors.sessionLostWhileRunning(Errors.goneIdle(3, java.time.Duration.ofMinutes(61)), 2, null),
                Errors.interrupted("The cell was not run."),
                Errors.logArchive("AWS denied s3:GetObject on s3://b/k to the kernel's credentials."),
                Errors.internal(new IllegalStateException("kaput")));
        for (CellResult r : made) {
            assertFalse(r.ok());
            assertFalse(r.traceback().isEmpty(), r.ename() + " has an empty traceback");
            String last = r.traceback().get(r.traceback().size() - 1);
            assertTrue(last.startsWith(r.ename() + ":"), last);
        }
        CellResult lost = Errors.sessionLostBeforeRun(Errors.goneKilled(3, "killed", null), 1);
        assertTrue(lost.traceback().get(0).contains(lost.evalue()), lost.traceback().toString());
    }

    @Test
    void aLostSessionsMessageEndsWithWhereEmrArchivedItsLogs() {
        List<String> uris = List.of("s3://b/j-1/node/i-0p/applications/livy/livy-livy-server.out.gz", "s3://b/j-1/containers/app_1/");
        String at = Errors.archivedLogs(4, uris);
        assertEquals(" Its logs are archived by EMR in S3 at " + uris.get(0) + " and " + uris.get(1)
                + " (EMR copies them there every 5 minutes); read them with: %%logs --s3 --session 4", at);
        assertEquals("", Errors.archivedLogs(4, List.of()));
        String why = Errors.goneUnknown(4, null);
        assertTrue(Errors.newSessionNotice(why, 0, at).endsWith("%%logs --s3 --session 4"));
        assertTrue(Errors.sessionLostBeforeRun(why, 0, at).evalue().endsWith("%%logs --s3 --session 4"));
        assertTrue(Errors.sessionLostWhileRunning(why, 2, null, at).evalue().endsWith("%%logs --s3 --session 4"));
        assertEquals(Errors.newSessionNotice(why, 1), Errors.newSessionNotice(why, 1, ""));
    }

    @Test
    void idleTimesReadAsPeopleSayThem() {
        assertEquals("7 s", Errors.duration(java.time.Duration.ofSeconds(7)));
        assertEquals("12 min", Errors.duration(java.time.Duration.ofMinutes(12)));
        assertEquals("1 h", Errors.duration(java.time.Duration.ofMinutes(60)));
        assertEquals("2 h 5 min", Errors.duration(java.time.Duration.ofMinutes(125)));
    }

    @Test
    void sparkErrorsKeepLivysTracebackAndAddASummaryWhenMissing() {
        CellResult r = Errors.spark("ValueError", "bad", List.of("Traceback (most recent call last):\n", "ValueError: bad\n"));
        assertEquals(List.of("Traceback (most recent call last):", "ValueError: bad"), r.traceback());
        assertEquals(List.of("Error: Interpreter died"), Errors.spark(null, "Interpreter died", List.of()).traceback());
    }
}
