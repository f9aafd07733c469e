package livykernel.livy;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * A MockWebServer playing Livy from a script: every request is recorded as "METHOD /path" and
 * answered by {@code route}, which sees the whole request.
 */
public final class ScriptedLivy implements AutoCloseable {

    /** "METHOD /path?query" of every request, in arrival order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** The scheduler for what polls this Livy in a test (the kernel's livy-poller); shut down on close. */
    public final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MockWebServer server = new MockWebServer();

    public ScriptedLivy(Function<RecordedRequest, MockResponse> route) throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                requests.add(r.getMethod() + " " + r.getPath());
                return route.apply(r);
            }
        });
        server.start();
    }

    public static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }

    /** The answer to a request the script does not expect: a 404 that names it. */
    public static MockResponse unexpected(RecordedRequest r) {
        return json(404, "\"unexpected " + r.getMethod() + " " + r.getPath() + "\"");
    }

    /** A client of this Livy without auth, with 2 s timeouts and the given retry backoff. */
    public LivyClient client(List<Long> retryBackoffMillis) {
        return new LivyClient(new LivyClient.Settings(server.url("/").toString(), null, null, Map.of(),
                Duration.ofSeconds(2), Duration.ofSeconds(2), retryBackoffMillis));
    }

    @Override
    public void close() throws IOException {
        scheduler.shutdownNow();
        server.shutdown();
    }
}
