package livykernel.completion;

import livykernel.magics.Fixtures;
import livykernel.magics.MagicContext;
import livykernel.magics.MagicRegistry;
import livykernel.progress.ProgressMode;
import livykernel.progress.ProgressSettings;
import livykernel.session.SessionManager;
import livykernel.kernel.Completer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionCompleterTest {

    // The session manager throws if touched: completion must not start anything without a session.
    private final SessionCompleter completer = completer();

    private static SessionCompleter completer() {
        SessionManager sessions = Fixtures.sessions(Map.of());
        MagicContext ctx = Fixtures.context(sessions, new ProgressSettings(ProgressMode.ON));
        return new SessionCompleter(MagicRegistry.standard(ctx), sessions, ctx.runner(), Duration.ofMillis(500));
    }

    @Test
    void magicNames() {
        Completer.Completion c = completer.complete("%%con", 5);
        assertEquals(List.of("%%configure"), c.matches());
        assertEquals(0, c.cursorStart());
        assertEquals(5, c.cursorEnd());
        assertTrue(completer.complete("%%", 2).matches().containsAll(List.of("%%info", "%%logs", "%%sql", "%%help")));
        assertEquals(List.of("%json"), completer.complete("%js", 3).matches());
        Completer.Completion mid = completer.complete("%%inf\n", 4);
        assertEquals(List.of("%%info"), mid.matches());
        assertEquals(5, mid.cursorEnd());
    }

    @Test
    void magicFlagsAndModes() {
        Completer.Completion c = completer.complete("%%sql -", 7);
        assertTrue(c.matches().containsAll(List.of("-q", "--quiet", "-n", "--maxrows", "-m", "-r")), c.matches().toString());
        assertEquals(6, c.cursorStart());
        assertEquals(List.of("--grep"), completer.complete("%%logs -n 5 --gr", 16).matches());
        assertEquals(List.of("text"), completer.complete("%%progress te", 13).matches());
        assertTrue(completer.complete("%%sql -", 7).matches().containsAll(List.of("-o", "--output", "-c", "--coerce")));
        assertTrue(completer.complete("%%send_to_spark -", 17).matches().containsAll(
                List.of("-i", "--input", "-t", "--type", "-n", "--varname", "-m", "--maxrows")));
        assertTrue(completer.complete("%%spark -", 9).matches().contains("--output"));
        assertEquals(List.of("%%send_to_spark"), completer.complete("%%send_to", 10).matches());
    }

    @Test
    void pythonNamesWithoutASessionAreEmptyAndStartNothing() {
        Completer.Completion c = completer.complete("spark.rea", 9);
        assertTrue(c.matches().isEmpty());
        assertFalse(completer.inspect("spark.range", 5, 0).found());
    }

    @Test
    void inspectOfAMagicShowsItsHelp() {
        Completer.Inspection i = completer.inspect("%%logs -n 5", 3, 0);
        assertTrue(i.found());
        assertTrue(String.valueOf(i.data().get("text/plain")).contains("--grep TEXT"));
    }

    @Test
    void candidatesReplaceTheWholeToken() {
        assertEquals("spark.range", SessionCompleter.normalize("spark.ra", "spark.range"));
        assertEquals("spark.range", SessionCompleter.normalize("spark.ra", "range"));
        assertEquals(null, SessionCompleter.normalize("spark.ra", "read"));
    }

    @Test
    void nameUnderTheCursor() {
        assertEquals("spark.range", SessionCompleter.nameAt("df = spark.range(10)", 10));
        assertEquals("spark.range", SessionCompleter.nameAt("df = spark.range(10)", 18));
        assertEquals("spark.range", SessionCompleter.nameAt("spark.range(", 12));
        assertEquals("", SessionCompleter.nameAt("1 + 2", 1));
    }
}
