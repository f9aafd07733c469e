package livykernel.completion;

import livykernel.kernel.Completer;
import livykernel.magics.Fixtures;
import livykernel.magics.SessionPython;
import livykernel.livy.LivyClient;
import livykernel.execution.StatementListener;
import livykernel.execution.StatementRunner;
import livykernel.livy.PollingPolicy;
import livykernel.session.SessionManager;
import livykernel.session.StartObserver;
import livykernel.livy.ScriptedLivy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Completion against a Livy that, like real Livy for PySpark, answers /completion with nothing. */
class CompletionOverLivyTest {

    private ScriptedLivy livy;
    private final List<String> submitted = new CopyOnWriteArrayList<>();
    private volatile String state = "idle";

    @BeforeEach
    void start() throws IOException {
        livy = new ScriptedLivy(r -> {
            String line = r.getMethod() + " " + r.getPath();
            if (line.equals("POST /sessions")) {
                return json(201, "{\"id\":1,\"state\":\"idle\",\"kind\":\"pyspark\"}");
            }
            if (line.equals("GET /sessions/1")) {
                return json(200, "{\"id\":1,\"state\":\"" + state + "\",\"kind\":\"pyspark\"}");
            }
            if (line.equals("POST /sessions/1/completion")) {
                return json(200, "{\"candidates\":[]}");
            }
            if (line.equals("POST /sessions/1/statements")) {
                submitted.add(r.getBody().readUtf8());
                String text = SessionPython.MARKER.replace("\u001e", "\\u001e")
                        + "{\\\"matches\\\": [\\\"spark.range\\\", \\\"spark.read\\\"]}";
                return json(201, "{\"id\":7,\"state\":\"available\",\"output\":{\"status\":\"ok\",\"execution_count\":7,"
                        + "\"data\":{\"text/plain\":\"" + text + "\"}}}");
            }
            return ScriptedLivy.unexpected(r);
        });
    }

    @AfterEach
    void stop() throws IOException {
        livy.close();
    }

    private SessionManager sessions() {
        LivyClient client = livy.client(List.of());
        return new SessionManager(() -> client, livy.scheduler, Map.of(), 0, Duration.ofSeconds(5));
    }

    private SessionCompleter completer(SessionManager sessions) {
        LivyClient client = livy.client(List.of(10L));
        StatementRunner runner = new StatementRunner(sessions, () -> client, livy.scheduler, PollingPolicy.DEFAULT, List.of(),
                StatementListener.NONE);
        return new SessionCompleter(Fixtures.registry(), sessions, runner, Duration.ofSeconds(1));
    }

    @Test
    void withoutASessionNothingIsAsked() {
        SessionCompleter c = completer(sessions());
        assertEquals(List.of(), c.complete("spark.r", 7).matches());
        assertEquals(List.of(), livy.requests);
    }

    @Test
    void idleSessionIsAskedThroughAHiddenStatement() throws Exception {
        SessionManager sessions = sessions();
        sessions.ensureSession(StartObserver.NONE, () -> false);
        SessionCompleter c = completer(sessions);
        Completer.Completion got = c.complete("df = spark.r", 12);
        assertEquals(List.of("spark.range", "spark.read"), got.matches());
        assertEquals(5, got.cursorStart());
        assertTrue(livy.requests.contains("POST /sessions/1/completion"), livy.requests.toString());
        assertEquals(1, submitted.size());
        String token = Base64.getEncoder().encodeToString("spark.r".getBytes(StandardCharsets.UTF_8));
        assertTrue(submitted.get(0).contains("rlcompleter") && submitted.get(0).contains(token), submitted.get(0));
    }

    @Test
    void busySessionGetsNoHiddenStatement() throws Exception {
        SessionManager sessions = sessions();
        sessions.ensureSession(StartObserver.NONE, () -> false);
        state = "busy";
        SessionCompleter c = completer(sessions);
        assertEquals(List.of(), c.complete("spark.r", 7).matches());
        assertEquals(List.of(), submitted);
    }
}
