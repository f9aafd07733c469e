package livykernel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's routes and session state machine, with a fake REPL driver (a few lines of
 * Python speaking the same protocol) instead of Spark, so it runs in a second.
 */
class LocalLivyServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A few lines of Python speaking the REPL driver protocol: statements "sleepN", "crash", else echo. */
    static final String FAKE_DRIVER = """
            import json, os, sys, threading, time
            cancelled = threading.Event()
            jobs = []
            lock = threading.Condition()
            def send(ev):
                sys.stdout.write(json.dumps(ev) + "\\n"); sys.stdout.flush()
            def reader():
                for line in sys.stdin:
                    req = json.loads(line)
                    if req["op"] == "cancel":
                        cancelled.set()
                    elif req["op"] == "complete":
                        send({"type": "completion", "rid": req["rid"], "candidates": ["fake.candidate"]})
                    else:
                        with lock:
                            jobs.append(req); lock.notify()
                os._exit(0)
            threading.Thread(target=reader, daemon=True).start()
            while True:
                with lock:
                    while not jobs:
                        lock.wait()
                    req = jobs.pop(0)
                if req["op"] == "init":
                    sys.stderr.write("fake driver for %s\\n" % req["appName"]); sys.stderr.flush()
                    send({"type": "ready", "appId": "local-fake", "sparkUiUrl": "http://127.0.0.1:4040"})
                    continue
                code, sid = req["code"], req["id"]
                if code == "crash":
                    sys.stderr.write("boom\\n"); sys.stderr.flush(); os._exit(5)
                if code.startswith("sleep"):
                    cancelled.clear()
                    send({"type": "progress", "id": sid, "progress": 0.5})
                    if cancelled.wait(float(code[5:])):
                        send({"type": "result", "id": sid, "interrupted": True, "output": {"status": "error",
                              "ename": "KeyboardInterrupt", "evalue": "", "traceback": [], "execution_count": sid}})
                        continue
                send({"type": "result", "id": sid, "interrupted": False,
                      "output": {"status": "ok", "data": {"text/plain": code}, "execution_count": sid}})
            """;

    private static LocalLivyServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("fake.py");
        Files.writeString(fake, FAKE_DRIVER);
        // The server runs "<python> -u <driver.py>"; this wrapper ignores that and runs the fake.
        Path python = dir.resolve("fake-python");
        Files.writeString(python, "#!/bin/sh\nexec python3 -u " + fake + "\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
        server = LocalLivyServer.start(LocalLivyOptions.builder().python(python.toString())
                .heartbeatInterval(Duration.ofMillis(200)).sessionTimeout(Duration.ofHours(1)).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private static Reply call(String method, String path, String body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("X-Requested-By", "admin");
        if (auth) {
            String token = server.username() + ":" + server.password();
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = r.body().isEmpty() || !r.headers().firstValue("Content-Type").orElse("").contains("json")
                ? null : JSON.readTree(r.body());
        return new Reply(r.statusCode(), node, r);
    }

    private static Reply call(String method, String path, String body) throws Exception {
        return call(method, path, body, true);
    }

    private static JsonNode await(String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            Reply r = call("GET", path, null);
            last = r.body();
            if (r.status() == 200 && done.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting on " + path + ", last: " + last);
    }

    private static int newIdleSession(String body) throws Exception {
        Reply r = call("POST", "/sessions", body);
        assertEquals(201, r.status(), String.valueOf(r.body()));
        int id = r.body().get("id").asInt();
        assertEquals("/sessions/" + id, r.raw().headers().firstValue("Location").orElseThrow());
        await("/sessions/" + id + "/state", s -> s.get("state").asText().equals("idle"));
        return id;
    }

    @Test
    void requiresTheSecret() throws Exception {
        Reply r = call("GET", "/sessions", null, false);
        assertEquals(401, r.status());
        assertTrue(r.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals(200, call("GET", "/version", null).status());
        assertEquals("livy", server.username());
        assertTrue(server.url().startsWith("http://127.0.0.1:"));
    }

    @Test
    void statementLifecycleAndQueue() throws Exception {
        int id = newIdleSession("{\"kind\":\"pyspark\",\"name\":\"fake-a\"}");
        JsonNode s = call("GET", "/sessions/fake-a", null).body();
        assertEquals("local-fake", s.get("appId").asText());
        assertEquals("http://127.0.0.1:4040", s.path("appInfo").path("sparkUiUrl").asText());
        assertTrue(s.get("log").toString().contains("fake driver for fake-a"));

        Reply first = call("POST", "/sessions/" + id + "/statements", "{\"code\":\"sleep0.5\"}");
        assertEquals(201, first.status());
        Reply second = call("POST", "/sessions/" + id + "/statements", "{\"code\":\"hello\"}");
        assertEquals("waiting", second.body().get("state").asText());
        assertEquals("busy", call("GET", "/sessions/" + id + "/state", null).body().get("state").asText());
        JsonNode done = await("/sessions/" + id + "/statements/1", st -> st.get("state").asText().equals("available"));
        assertEquals("hello", done.at("/output/data/text~1plain").asText());
        assertEquals(1.0, done.get("progress").asDouble());
        await("/sessions/" + id + "/state", st -> st.get("state").asText().equals("idle"));
        assertEquals(2, call("GET", "/sessions/" + id + "/statements", null).body().get("total_statements").asInt());

        JsonNode c = call("POST", "/sessions/" + id + "/completion", "{\"code\":\"fa\",\"kind\":\"pyspark\",\"cursor\":2}").body();
        assertEquals("fake.candidate", c.get("candidates").get(0).asText());
        assertEquals(200, call("DELETE", "/sessions/" + id, null).status());
        assertEquals(404, call("GET", "/sessions/" + id, null).status());
    }

    @Test
    void cancelRunningAndWaitingStatements() throws Exception {
        int id = newIdleSession("{\"kind\":\"pyspark\"}");
        call("POST", "/sessions/" + id + "/statements", "{\"code\":\"sleep30\"}");
        call("POST", "/sessions/" + id + "/statements", "{\"code\":\"queued\"}");
        await("/sessions/" + id + "/statements/0", st -> st.get("progress").asDouble() == 0.5);
        assertEquals("canceled", call("POST", "/sessions/" + id + "/statements/1/cancel", null).body().get("msg").asText());
        assertEquals("cancelled", call("GET", "/sessions/" + id + "/statements/1", null).body().get("state").asText());
        call("POST", "/sessions/" + id + "/statements/0/cancel", null);
        JsonNode st = await("/sessions/" + id + "/statements/0", x -> x.get("state").asText().equals("cancelled"));
        assertEquals("KeyboardInterrupt", st.at("/output/ename").asText());
        await("/sessions/" + id + "/state", x -> x.get("state").asText().equals("idle"));
        call("DELETE", "/sessions/" + id, null);
    }

    @Test
    void heldStatementGetsAnswerWhenTheStatementChanges() throws Exception {
        assertEquals(String.valueOf(LivyRoutes.WAIT_MAX_MILLIS),
                call("GET", "/version", null).raw().headers().firstValue(LivyRoutes.WAIT_HEADER).orElse(null),
                "every answer advertises held GETs");
        int id = newIdleSession("{\"kind\":\"pyspark\"}");
        call("POST", "/sessions/" + id + "/statements", "{\"code\":\"sleep0.3\"}");
        String held = "/sessions/" + id + "/statements/0?" + LivyRoutes.WAIT_PARAM + "=";
        // Held until the statement is available (a 60 s wait: it must not run out first).
        JsonNode done = call("GET", held + "60000", null).body();
        assertEquals("available", done.get("state").asText());
        // A finished statement never changes again: answered at once, even with a long wait.
        assertEquals("available", call("GET", held + "60000", null).body().get("state").asText());
        // A statement that does not change is answered when the wait passes.
        call("POST", "/sessions/" + id + "/statements", "{\"code\":\"sleep30\"}");
        String running = "/sessions/" + id + "/statements/1?" + LivyRoutes.WAIT_PARAM + "=";
        await("/sessions/" + id + "/statements/1", st -> st.get("state").asText().equals("running"));
        assertEquals("running", call("GET", running + "50", null).body().get("state").asText());
        // A cancel is a change: the held GET answers "cancelling" (or already "cancelled").
        Thread canceller = new Thread(() -> {
            try {
                call("POST", "/sessions/" + id + "/statements/1/cancel", null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        java.util.concurrent.CompletableFuture<JsonNode> heldGet = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return call("GET", running + "60000", null).body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        canceller.start();
        canceller.join();
        assertTrue(heldGet.get().get("state").asText().startsWith("cancel"), String.valueOf(heldGet.get()));
        await("/sessions/" + id + "/state", x -> x.get("state").asText().equals("idle"));
        call("DELETE", "/sessions/" + id, null);
    }

    @Test
    void crashedDriverFailsItsStatementAndKillsTheSession() throws Exception {
        int id = newIdleSession("{\"kind\":\"pyspark\"}");
        call("POST", "/sessions/" + id + "/statements", "{\"code\":\"crash\"}");
        JsonNode st = await("/sessions/" + id + "/statements/0", x -> x.get("state").asText().equals("available"));
        assertEquals("error", st.at("/output/status").asText());
        assertTrue(st.at("/output/evalue").asText().startsWith("Interpreter died:\nboom"));
        assertEquals("dead", call("GET", "/sessions/" + id + "/state", null).body().get("state").asText());
        Reply r = call("POST", "/sessions/" + id + "/statements", "{\"code\":\"x\"}");
        assertEquals(500, r.status());
        assertEquals("java.lang.IllegalStateException: Session is in state dead", r.body().asText());
        assertEquals(200, call("DELETE", "/sessions/" + id, null).status());
    }

    @Test
    void heartbeatReapsSilentSessions() throws Exception {
        int id = newIdleSession("{\"kind\":\"pyspark\",\"heartbeatTimeoutInSecond\":1}");
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode list = call("GET", "/sessions", null).body(); // the list is no heartbeat
            boolean listed = false;
            for (JsonNode s : list.get("sessions")) {
                listed |= s.get("id").asInt() == id;
            }
            if (!listed) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("session " + id + " was not reaped");
    }

    @Test
    void errorsHaveLivysShapes() throws Exception {
        Reply r = call("GET", "/sessions/4242", null);
        assertEquals(404, r.status());
        assertEquals("Session '4242' not found.", r.body().get("msg").asText());
        r = call("POST", "/sessions", "{\"kind\":\"pyspark\",\"foo\":1}");
        assertEquals(400, r.status());
        assertTrue(r.body().isTextual());
        r = call("POST", "/sessions", "{\"kind\":\"shared\"}");
        int id = r.body().get("id").asInt();
        await("/sessions/" + id + "/state", s -> s.get("state").asText().equals("idle"));
        r = call("POST", "/sessions/" + id + "/statements", "{\"code\":\"1\"}");
        assertEquals(500, r.status());
        assertTrue(r.body().asText().contains("Code type should be specified if session kind is shared"));
        r = call("POST", "/sessions/" + id + "/statements", "{\"code\":\"1\",\"kind\":\"sql\"}");
        assertEquals(201, r.status());
        assertNull(call("PUT", "/sessions/" + id, "{}").body());
        assertEquals(405, call("PUT", "/sessions/" + id, "{}").status());
        call("DELETE", "/sessions/" + id, null);
    }

    @Test
    void missingPythonIsAnErrorSessionWithAHint() throws Exception {
        try (LocalLivyServer other = LocalLivyServer.start(LocalLivyOptions.builder().auth(false)
                .python("/nonexistent/python").build())) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + "/sessions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"pyspark\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode());
            assertNull(other.password());
            JsonNode log = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + "/sessions/0/log")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(log.get("log").toString().contains("pip install pyspark=="), log.toString());
            JsonNode state = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + "/sessions/0/state")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("error", state.get("state").asText());
        }
    }
}
