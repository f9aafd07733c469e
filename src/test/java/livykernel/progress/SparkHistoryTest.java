package livykernel.progress;

import livykernel.livy.LivyClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history server's REST API as the kernel's HTTP client reads it: attempt ids, and an application not parsed yet. */
class SparkHistoryTest {

    private MockWebServer server;
    private SparkHistory history;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        LivyClient client = new LivyClient(new LivyClient.Settings(server.url("/").toString(), null, null, Map.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(2), List.of()));
        history = new SparkHistory(url -> client.getAbsolute(url, Duration.ofSeconds(2)), server.url("/").toString());
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private static MockResponse json(String body) {
        return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
    }

    @Test
    void aYarnClusterApplicationIsReadAtItsNewestAttempt() throws Exception {
        server.enqueue(json("{\"id\":\"application_1_0001\",\"attempts\":[{\"attemptId\":\"1\",\"startTimeEpoch\":100},"
                + "{\"attemptId\":\"2\",\"startTimeEpoch\":200,\"completed\":true}]}"));
        String base = server.url("/").toString().replaceAll("/$", "");
        assertEquals(base + "/api/v1/applications/application_1_0001/2", history.api("application_1_0001"));
        assertEquals("/api/v1/applications/application_1_0001", server.takeRequest().getPath());
        // known now: neither the API root nor the link asks again
        assertEquals(base + "/history/application_1_0001/2/", history.uiLink("application_1_0001"));
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void anApplicationWithoutAttemptIdsIsReadByItsIdAlone() {
        server.enqueue(json("{\"id\":\"local-17\",\"attempts\":[{\"startTimeEpoch\":100,\"completed\":true}]}"));
        String base = server.url("/").toString().replaceAll("/$", "");
        assertEquals(base + "/api/v1/applications/local-17", history.api("local-17"));
        assertEquals(base + "/history/local-17/", history.uiLink("local-17"));
    }

    @Test
    void anApplicationNotParsedYetSaysSoAndIsAskedForAgainLater() {
        server.enqueue(new MockResponse().setResponseCode(404).setHeader("Content-Type", "text/plain")
                .setBody("no such app: application_1_0003"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> history.api("application_1_0003"));
        assertTrue(e.getMessage().contains("does not list application application_1_0003 (yet"), e.getMessage());
        server.enqueue(json("{\"id\":\"application_1_0003\",\"attempts\":[{\"attemptId\":\"1\",\"startTimeEpoch\":1}]}"));
        assertTrue(history.api("application_1_0003").endsWith("/applications/application_1_0003/1"));
    }

    @Test
    void aLinkWithoutAnAnswerFromTheServerIsTheApplicationsPageWithoutAttempt() throws IOException {
        String base = server.url("/").toString().replaceAll("/$", "");
        server.shutdown();
        assertEquals(base + "/history/application_1_0004/", history.uiLink("application_1_0004"));
    }

    @Test
    void aServerThatCannotBeReachedIsNotAskedAgainUntilTheBackoffHasPassed() {
        int[] asked = {0};
        boolean[] up = {false};
        long[] now = {0};
        SparkHistory h = new SparkHistory(url -> {
            asked[0]++;
            if (!up[0]) {
                throw new IllegalStateException("timeout");
            }
            return app("{\"id\":\"local-9\",\"attempts\":[{\"startTimeEpoch\":1}]}");
        }, "http://primary:18080", () -> now[0]);
        IllegalStateException first = assertThrows(IllegalStateException.class, () -> h.api("local-9"));
        assertEquals("the Spark history server at http://primary:18080 could not be reached (timeout)", first.getMessage());
        up[0] = true;
        now[0] = SparkHistory.UNREACHABLE_BACKOFF_MS - 1;
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> h.api("local-9"));
        assertEquals(first.getMessage(), again.getMessage());
        assertEquals(1, asked[0], "asked again within the backoff");
        now[0] = SparkHistory.UNREACHABLE_BACKOFF_MS;
        assertEquals("http://primary:18080/api/v1/applications/local-9", h.api("local-9"));
        assertEquals(2, asked[0]);
    }

    @Test
    void aFailedReadOfAKnownApplicationAlsoStartsTheBackoffButA404DoesNot() {
        int[] asked = {0};
        String[] answer = {"app"};
        long[] now = {0};
        SparkHistory h = new SparkHistory(url -> {
            asked[0]++;
            switch (answer[0]) {
                case "app": return app("{\"id\":\"local-9\",\"attempts\":[{\"attemptId\":\"1\",\"startTimeEpoch\":1}]}");
                case "404": return null;
                default: throw new IllegalStateException("Connection refused");
            }
        }, "http://primary:18080", () -> now[0]);
        String api = h.api("local-9");
        answer[0] = "404";
        assertEquals(null, h.get(api + "/jobs/7"));
        assertEquals(api, h.api("local-9"), "a 404 is an answer: the server is there");
        answer[0] = "down";
        assertThrows(IllegalStateException.class, () -> h.get(api + "/jobs?status=running"));
        int before = asked[0];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.api("local-9"));
        assertTrue(e.getMessage().endsWith("could not be reached (Connection refused)"), e.getMessage());
        assertEquals(before, asked[0]);
    }

    private static com.fasterxml.jackson.databind.JsonNode app(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
