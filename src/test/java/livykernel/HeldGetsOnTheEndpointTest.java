package livykernel;

import com.sun.net.httpserver.HttpServer;
import livykernel.display.OutputMapper;
import livykernel.execution.LivyCellExecutor;
import livykernel.execution.SessionCells;
import livykernel.execution.StatementListener;
import livykernel.execution.StatementRunner;
import livykernel.kernel.Cell;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.kernel.RequestContext;
import livykernel.livy.LivyClient;
import livykernel.livy.PollingPolicy;
import livykernel.local.LocalLivyOptions;
import livykernel.local.LocalLivyServer;
import livykernel.local.LocalLivyServerTestAccess;
import livykernel.session.SessionManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The kernel's runner against the real embedded endpoint (a fake REPL driver instead of Spark),
 * counted by a small proxy in between: with the endpoint's advertisement a cell costs about two
 * requests; with a proxy that drops the header the kernel never sends the parameter.
 */
class HeldGetsOnTheEndpointTest {

    private static final Set<String> HOP = Set.of("connection", "content-length", "transfer-encoding", "date");

    /** Forwards to {@code upstream}, recording "METHOD path?query"; {@code dropWait}: hides the advertisement. */
    private static HttpServer proxy(String upstream, List<String> seen, boolean dropWait) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpServer p = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        p.setExecutor(Executors.newCachedThreadPool());
        p.createContext("/", ex -> {
            String target = ex.getRequestURI().toString();
            seen.add(ex.getRequestMethod() + " " + target);
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + target))
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.equalsIgnoreCase("host")) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            try {
                HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                r.headers().map().forEach((k, vs) -> {
                    if (!HOP.contains(k.toLowerCase()) && !(dropWait && k.equalsIgnoreCase(LivyClient.WAIT_HEADER))) {
                        vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                    }
                });
                ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                if (r.body().length > 0) {
                    ex.getResponseBody().write(r.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        p.start();
        return p;
    }

    private static List<String> runCells(LocalLivyServer server, boolean dropWait) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer p = proxy(server.url(), seen, dropWait);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            LivyClient client = new LivyClient(new LivyClient.Settings("http://127.0.0.1:" + p.getAddress().getPort(),
                    server.username(), server.password(), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(5),
                    List.of(50L)));
            SessionManager sessions = new SessionManager(() -> client, scheduler, Map.of("kind", "pyspark"), 0,
                    Duration.ofSeconds(30));
            StatementRunner runner = new StatementRunner(sessions, () -> client, scheduler, PollingPolicy.DEFAULT,
                    List.of(), StatementListener.NONE, true, new SessionCells());
            LivyCellExecutor ex = new LivyCellExecutor(runner, new OutputMapper());
            assertTrue(ex.execute(new Cell("warm", 1, false, true), new Quiet()).ok());
            int before = seen.size();
            CellResult r = ex.execute(new Cell("sleep1.5", 2, false, true), new Quiet());
            assertTrue(r.ok(), String.valueOf(r));
            List<String> cell = List.copyOf(seen.subList(before, seen.size()));
            runner.shutdown();
            return cell;
        } finally {
            scheduler.shutdownNow();
            p.stop(0);
        }
    }

    @Test
    void aCellCostsTwoRequestsOnTheEndpointAndPlainPollsBehindAProxyThatHidesTheHeader(@TempDir Path dir)
            throws Exception {
        Path fake = dir.resolve("fake.py");
        Files.writeString(fake, LocalLivyServerTestAccess.fakeDriver());
        Path python = dir.resolve("fake-python");
        Files.writeString(python, "#!/bin/sh\nexec python3 -u " + fake + "\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
        try (LocalLivyServer server = LocalLivyServer.start(LocalLivyOptions.builder().python(python.toString())
                .sessionTimeout(Duration.ofHours(1)).build())) {
            List<String> held = runCells(server, false);
            assertEquals("POST /sessions/0/statements", held.get(0), held.toString());
            assertTrue(held.size() <= 3, "a 1.5 s cell cost " + held);
            assertTrue(held.stream().skip(1).allMatch(s -> s.contains(LivyClient.WAIT_PARAM + "=")), held.toString());

            List<String> plain = runCells(server, true);
            assertTrue(plain.stream().noneMatch(s -> s.contains(LivyClient.WAIT_PARAM)), plain.toString());
            assertTrue(plain.size() > 10, "plain polls of a 1.5 s statement: " + plain);
        }
    }

    private static final class Quiet implements CellOutput {
        private final RequestContext context = RequestContext.detached();
        public void stream(String name, String text) { }
        public void display(Map<String, Object> d, Map<String, Object> m, String id) { }
        public void updateDisplay(Map<String, Object> d, Map<String, Object> m, String id) { }
        public void executeResult(Map<String, Object> d, Map<String, Object> m) { }
        public void clearOutput(boolean wait) { }
        public RequestContext context() { return context; }
    }
}
