package livykernel.magics;

import livykernel.livy.SessionLog;
import livykernel.logs.LogChoice;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MagicArgsTest {

    private final MagicRegistry registry = Fixtures.registry();

    private Magic magic(String name) {
        return registry.find(name).orElseThrow();
    }

    @Test
    void sqlFlagsShortAndLong() {
        MagicArgs a = MagicArgs.parse(magic("sql"), "-q -n 10 --samplemethod sample -r 0.5");
        SqlMagic.Options o = SqlMagic.options(a);
        assertEquals(new SqlMagic.Options(true, 10, true, 0.5, null), o);
        assertEquals(new SqlMagic.Options(false, SqlMagic.DEFAULT_MAX_ROWS, false, SqlMagic.DEFAULT_FRACTION, null),
                SqlMagic.options(MagicArgs.parse(magic("sql"), "")));
        assertEquals(-1, SqlMagic.options(MagicArgs.parse(magic("sql"), "--maxrows=-1")).maxRows());
        assertEquals(-1, SqlMagic.options(MagicArgs.parse(magic("sql"), "-n -1")).maxRows());
    }

    @Test
    void sqlRejectsBadValues() {
        assertTrue(assertThrows(MagicUsageException.class, () -> SqlMagic.options(MagicArgs.parse(magic("sql"), "-m first")))
                .getMessage().contains("'take' or 'sample'"));
        assertTrue(assertThrows(MagicUsageException.class, () -> SqlMagic.options(MagicArgs.parse(magic("sql"), "-r 0.5")))
                .getMessage().contains("-m sample"));
        assertTrue(assertThrows(MagicUsageException.class,
                () -> SqlMagic.options(MagicArgs.parse(magic("sql"), "-m sample -r 2"))).getMessage().contains("between 0"));
        assertTrue(assertThrows(MagicUsageException.class, () -> SqlMagic.options(MagicArgs.parse(magic("sql"), "-n ten")))
                .getMessage().contains("whole number"));
    }

    @Test
    void unknownFlagNamesTheRealOnes() {
        MagicUsageException e = assertThrows(MagicUsageException.class, () -> MagicArgs.parse(magic("logs"), "--tail 5"));
        assertTrue(e.getMessage().contains("%%logs has no flag --tail"), e.getMessage());
        assertTrue(e.getMessage().contains("-n N, --lines N"), e.getMessage());
    }

    @Test
    void missingValueAndStrayWords() {
        assertTrue(assertThrows(MagicUsageException.class, () -> MagicArgs.parse(magic("logs"), "-n"))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(MagicUsageException.class, () -> MagicArgs.parse(magic("info"), "now"))
                .getMessage().contains("unexpected argument 'now'"));
        assertTrue(assertThrows(MagicUsageException.class, () -> MagicArgs.parse(magic("cleanup"), "--force=yes"))
                .getMessage().contains("takes no value"));
    }

    @Test
    void quotedValuesKeepSpaces() {
        MagicArgs a = MagicArgs.parse(magic("logs"), "--grep \"Job group\" -n 5");
        assertEquals("Job group", a.value("grep"));
        assertEquals(List.of("a b", "c\"d", "e"), MagicArgs.tokenize("'a b' \"c\\\"d\" e"));
        assertThrows(MagicUsageException.class, () -> MagicArgs.tokenize("--grep 'open"));
    }

    @Test
    void logsRequests() {
        assertEquals(new LogsMagic.Request(null, 100, false, null, null, null), LogsMagic.request(MagicArgs.parse(magic("logs"), "")));
        assertEquals(new LogsMagic.Request(20, 5, false, null, null, null), LogsMagic.request(MagicArgs.parse(magic("logs"), "--from 20 -n 5")));
        assertEquals(new LogsMagic.Request(null, 100, true, "WARN", null, null), LogsMagic.request(MagicArgs.parse(magic("logs"), "--all -g WARN")));
        assertThrows(MagicUsageException.class, () -> LogsMagic.request(MagicArgs.parse(magic("logs"), "--all -n 5")));
        assertThrows(MagicUsageException.class, () -> LogsMagic.request(MagicArgs.parse(magic("logs"), "-n 0")));
        assertThrows(MagicUsageException.class, () -> LogsMagic.request(MagicArgs.parse(magic("logs"), "--from -3")));
    }

    @Test
    void logsFromTheS3ArchiveChooseTheirSource() {
        assertEquals(new LogsMagic.Request(null, 100, false, null, null, LogChoice.all()),
                LogsMagic.request(MagicArgs.parse(magic("logs"), "--s3")));
        assertEquals(new LogsMagic.Request(null, 100, false, null, 4, new LogChoice(LogChoice.Source.EXECUTOR, 2)),
                LogsMagic.request(MagicArgs.parse(magic("logs"), "--s3 --session 4 --source executor 2")));
        assertEquals(new LogChoice(LogChoice.Source.DRIVER, 0),
                LogsMagic.request(MagicArgs.parse(magic("logs"), "--source DRIVER")).choice(), "--source implies --s3");
        for (String bad : new String[]{"--source executor", "--source executor x", "--source nodes", "--source livy 2", "--s3 2"}) {
            assertThrows(MagicUsageException.class, () -> LogsMagic.request(MagicArgs.parse(magic("logs"), bad)), bad);
        }
    }

    @Test
    void anArchivedLogPagesAsLivysDoes() {
        List<String> lines = List.of("a", "b", "c", "d");
        assertEquals(new SessionLog(1, 2, 4, List.of("c", "d")), LogsMagic.page(1, lines, null, 2));
        assertEquals(new SessionLog(1, 1, 4, List.of("b", "c")), LogsMagic.page(1, lines, 1, 2));
        assertEquals(new SessionLog(1, 0, 4, lines), LogsMagic.page(1, lines, 0, -1));
        assertEquals(new SessionLog(1, 4, 4, List.of()), LogsMagic.page(1, lines, 9, 3));
    }

    @Test
    void deleteAndCleanupNeedForce() {
        Fixtures.Recorder out = new Fixtures.Recorder();
        MagicCall noForce = new MagicCall("cleanup", MagicArgs.parse(magic("cleanup"), ""), "", null);
        assertTrue(assertThrows(MagicUsageException.class, () -> magic("cleanup").run(noForce, out))
                .getMessage().contains("-f"));
        MagicCall noId = new MagicCall("delete", MagicArgs.parse(magic("delete"), "-f"), "", null);
        assertTrue(assertThrows(MagicUsageException.class, () -> magic("delete").run(noId, out))
                .getMessage().contains("-s ID"));
        MagicCall noF = new MagicCall("delete", MagicArgs.parse(magic("delete"), "-s 3"), "", null);
        assertTrue(assertThrows(MagicUsageException.class, () -> magic("delete").run(noF, out))
                .getMessage().contains("%%delete -f -s 3"));
        assertTrue(out.stdout.isEmpty());
    }

    @Test
    void progressModes() throws Exception {
        livykernel.progress.ProgressSettings settings = new livykernel.progress.ProgressSettings(livykernel.progress.ProgressMode.ON);
        MagicRegistry r = MagicRegistry.standard(Fixtures.context(Fixtures.sessions(java.util.Map.of()), settings));
        Magic progress = r.find("progress").orElseThrow();
        Fixtures.Recorder out = new Fixtures.Recorder();
        progress.run(new MagicCall("progress", MagicArgs.parse(progress, "text"), "", null), out);
        assertEquals(livykernel.progress.ProgressMode.TEXT, settings.mode());
        assertThrows(MagicUsageException.class,
                () -> progress.run(new MagicCall("progress", MagicArgs.parse(progress, "loud"), "", null), out));
        assertEquals(livykernel.progress.ProgressMode.TEXT, settings.mode());
        assertFalse(out.stdout.isEmpty());
    }
}
