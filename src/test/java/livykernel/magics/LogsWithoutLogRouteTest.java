package livykernel.magics;

import livykernel.config.KernelConfig;
import livykernel.display.OutputMapper;
import livykernel.execution.LivyCellExecutor;
import livykernel.execution.SessionCells;
import livykernel.execution.StatementListener;
import livykernel.execution.StatementRunner;
import livykernel.kernel.Cell;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyClient;
import livykernel.livy.PollingPolicy;
import livykernel.livy.ScriptedLivy;
import livykernel.progress.ProgressMode;
import livykernel.progress.ProgressSettings;
import livykernel.session.SessionManager;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.*;

/** A Livy without GET /sessions/{id}/log (EMR Serverless): %%logs says so in a sentence, and cells go on working. */
class LogsWithoutLogRouteTest {

    private ScriptedLivy livy;
    private CellRouter router;
    private volatile int logStatus = 403;
    private volatile boolean listed = true;

    @BeforeEach
    void start() throws IOException {
        livy = new ScriptedLivy(this::route);
        LivyClient client = livy.client(List.of(10L));
        SessionManager sessions = new SessionManager(() -> client, livy.scheduler, Map.of(), 0, Duration.ofSeconds(10));
        StatementRunner runner = new StatementRunner(sessions, () -> client, livy.scheduler, PollingPolicy.DEFAULT,
                List.of(), StatementListener.NONE, true, new SessionCells());
        LivyCellExecutor executor = new LivyCellExecutor(runner, new OutputMapper());
        router = new CellRouter(executor, MagicRegistry.standard(new MagicContext(sessions, runner, executor,
                KernelConfig.builder().build(), () -> "scripted", new ProgressSettings(ProgressMode.OFF))));
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private MockResponse route(RecordedRequest r) {
        String line = r.getMethod() + " " + r.getPath();
        String session = "{\"id\":1,\"state\":\"idle\",\"kind\":\"pyspark\"}";
        if (line.equals("POST /sessions")) {
            return json(201, "{\"id\":1,\"state\":\"starting\"}");
        }
        if (line.equals("GET /sessions/1")) {
            return json(200, session);
        }
        if (line.startsWith("GET /sessions?")) {
            return json(200, "{\"from\":0,\"total\":" + (listed ? 1 : 0) + ",\"sessions\":[" + (listed ? session : "") + "]}");
        }
        if (line.equals("POST /sessions/1/statements")) {
            return json(201, "{\"id\":0,\"state\":\"available\",\"output\":{\"status\":\"ok\",\"execution_count\":0,"
                    + "\"data\":{\"text/plain\":\"1\"}}}");
        }
        if (line.startsWith("GET /sessions/1/log")) {
            return json(logStatus, "{\"message\":\"Missing Authentication Token\"}");
        }
        return ScriptedLivy.unexpected(r);
    }

    private String run(String code) throws InterruptedException {
        Fixtures.Recorder out = new Fixtures.Recorder();
        CellResult result = router.execute(new Cell(code, 1, false, true), out);
        assertTrue(result.ok(), result + " " + out.stdout);
        return String.join("", out.stdout);
    }

    @Test
    void aForbiddenOrMissingLogRouteOfALiveSessionIsASentence() throws InterruptedException {
        run("1");
        assertEquals("stdout:" + LogsMagic.noLogRoute(1, 403), run("%%logs"));
        assertTrue(LogsMagic.noLogRoute(1, 403).startsWith("Livy does not serve the log of session 1 "
                + "(GET /sessions/1/log answered HTTP 403): EMR Serverless' Livy endpoint has no log route"));
        logStatus = 404;
        assertEquals("stdout:" + LogsMagic.noLogRoute(1, 404), run("%%logs -n 5"));
        run("1");
        listed = false;
        assertTrue(run("%%logs").contains("is gone from Livy"), "a 404 of a session Livy no longer lists: gone");
    }
}
