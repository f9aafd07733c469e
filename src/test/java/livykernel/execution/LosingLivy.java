package livykernel.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import livykernel.display.OutputMapper;
import livykernel.kernel.CellOutput;
import livykernel.kernel.RequestContext;
import livykernel.livy.LivyClient;
import livykernel.livy.PollingPolicy;
import livykernel.livy.ScriptedLivy;
import livykernel.logs.LivyLogSource;
import livykernel.session.SessionManager;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static livykernel.livy.ScriptedLivy.json;

/**
 * A scripted Livy whose sessions a test can take away: removed (404), or left in a final state
 * with log lines. Every session is ready at once; a statement finishes at once, fails when its
 * code is in {@link #failing} (or {@link #killing}, which also ends the session), and takes its session with it when its code contains "vanish".
 */
public final class LosingLivy implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final ScriptedLivy livy;
    /** "session:code" of every statement submitted, in order. */
    public final List<String> submitted = new CopyOnWriteArrayList<>();
    public final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** Code that fails and leaves its session dead with these log lines (an interpreter or driver that died). */
    public final Map<String, List<String>> killing = new ConcurrentHashMap<>();
    private final Set<Integer> removed = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> finalState = new ConcurrentHashMap<>();
    private final Map<Integer, List<String>> logs = new ConcurrentHashMap<>();
    private final AtomicInteger nextSession = new AtomicInteger(1);
    private final AtomicInteger nextStatement = new AtomicInteger();
    private final MutableClock clock = new MutableClock();

    public LosingLivy() throws IOException {
        livy = new ScriptedLivy(this::answer);
    }

    /** Livy no longer has the session: every call about it is a 404. */
    public void remove(int id) {
        removed.add(id);
    }

    /** The session ended in {@code state} and is still listed, with these last log lines. */
    public void end(int id, String state, List<String> log) {
        finalState.put(id, state);
        logs.put(id, List.copyOf(log));
    }

    public void advanceClock(Duration d) {
        clock.now = clock.now.plus(d);
    }

    public long sessionsCreated() {
        return livy.requests.stream().filter("POST /sessions"::equals).count();
    }

    public SessionManager sessions() {
        LivyClient client = livy.client(List.of(10L));
        return new SessionManager(() -> client, livy.scheduler, new LivyLogSource(() -> client),
                Map.of("conf", Map.of("spark.x", "1")), 0, Duration.ofSeconds(10), clock);
    }

    public StatementRunner runner(SessionManager sessions, boolean autoRecreate) {
        LivyClient client = livy.client(List.of(10L));
        return new StatementRunner(sessions, () -> client, livy.scheduler, PollingPolicy.DEFAULT, List.of(),
                StatementListener.NONE, autoRecreate, new SessionCells());
    }

    public static LivyCellExecutor executor(StatementRunner runner) {
        return new LivyCellExecutor(runner, new OutputMapper());
    }

    private MockResponse answer(RecordedRequest r) {
        String line = r.getMethod() + " " + r.getPath();
        if (line.equals("POST /sessions")) {
            int id = nextSession.getAndIncrement();
            return json(201, "{\"id\":" + id + ",\"state\":\"idle\"}");
        }
        String[] parts = r.getPath().split("[/?]");
        int id = Integer.parseInt(parts[2]);
        if (removed.contains(id)) {
            return json(404, "{\"msg\":\"Session '" + id + "' not found.\"}");
        }
        String state = finalState.getOrDefault(id, "idle");
        if (line.matches("GET /sessions/\\d+")) {
            return json(200, "{\"id\":" + id + ",\"state\":\"" + state + "\"}");
        }
        if (line.matches("GET /sessions/\\d+/log.*")) {
            List<String> log = logs.getOrDefault(id, List.of());
            try {
                return json(200, "{\"id\":" + id + ",\"from\":0,\"total\":" + log.size() + ",\"log\":"
                        + JSON.writeValueAsString(log) + "}");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (line.matches("POST /sessions/\\d+/statements")) {
            if (!state.equals("idle")) {
                return json(500, "\"java.lang.IllegalStateException: Session is in state " + state + "\"");
            }
            String code = code(r);
            submitted.add(id + ":" + code);
            int sid = nextStatement.getAndIncrement();
            if (code.contains("vanish")) {
                return json(201, "{\"id\":" + sid + ",\"state\":\"running\",\"output\":null}");
            }
            if (killing.containsKey(code)) {
                end(id, "dead", killing.get(code));
            }
            String output = failing.contains(code) || killing.containsKey(code)
                    ? "{\"status\":\"error\",\"execution_count\":" + sid + ",\"ename\":\"NameError\",\"evalue\":\"boom\",\"traceback\":[]}"
                    : "{\"status\":\"ok\",\"execution_count\":" + sid + ",\"data\":{\"text/plain\":\"ran " + sid + "\"}}";
            return json(201, "{\"id\":" + sid + ",\"state\":\"available\",\"output\":" + output + "}");
        }
        if (line.matches("GET /sessions/\\d+/statements/\\d+")) {
            // Only a "vanish" statement is ever polled: its session goes while it runs.
            removed.add(id);
            return json(404, "{\"msg\":\"Session '" + id + "' not found.\"}");
        }
        if (line.matches("POST /sessions/\\d+/connect") || r.getMethod().equals("DELETE")) {
            return json(200, "{\"msg\":\"ok\"}");
        }
        return ScriptedLivy.unexpected(r);
    }

    private static String code(RecordedRequest r) {
        try {
            JsonNode body = JSON.readTree(r.getBody().readUtf8());
            return body.path("code").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        livy.close();
    }

    /** What a cell published, one string per event. */
    public static final class Recorder implements CellOutput {
        public final List<String> events = new CopyOnWriteArrayList<>();
        private final RequestContext context = RequestContext.detached();

        public RequestContext context() { return context; }
        public void stream(String name, String text) { events.add(name + ":" + text); }
        public void display(Map<String, Object> d, Map<String, Object> m, String id) { events.add("display:" + d.get("text/plain")); }
        public void updateDisplay(Map<String, Object> d, Map<String, Object> m, String id) { events.add("update:" + d.get("text/plain")); }
        public void executeResult(Map<String, Object> d, Map<String, Object> m) { events.add("result:" + d.get("text/plain")); }
        public void clearOutput(boolean wait) { }

        public String stderr() {
            return String.join("", events.stream().filter(e -> e.startsWith("stderr:")).map(e -> e.substring(7)).toList());
        }

        public String stdout() {
            return String.join("", events.stream().filter(e -> e.startsWith("stdout:")).map(e -> e.substring(7)).toList());
        }
    }

    private static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
