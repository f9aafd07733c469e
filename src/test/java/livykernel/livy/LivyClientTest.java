package livykernel.livy;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.*;

class LivyClientTest {

    private MockWebServer server;
    private LivyClient client;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        client = client(Duration.ofSeconds(2));
    }

    private LivyClient client(Duration readTimeout) {
        return new LivyClient(new LivyClient.Settings(server.url("/").toString(), "alice", "s3cret",
                Map.of("X-Custom", "1"), Duration.ofSeconds(1), readTimeout, List.of(10L, 10L, 10L)));
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    @Test
    void createsSessionWithHeadersAndBody() throws Exception {
        server.enqueue(json(201, "{\"id\":7,\"name\":null,\"state\":\"starting\",\"kind\":\"pyspark\",\"appInfo\":{\"sparkUiUrl\":null},\"log\":[],\"unknownField\":1}"));
        Session s = client.createSession(Map.of("kind", "pyspark", "conf", Map.of("a", "b")));
        assertEquals(7, s.id());
        assertEquals("starting", s.state());
        assertFalse(s.isReady());
        RecordedRequest r = server.takeRequest();
        assertEquals("POST", r.getMethod());
        assertEquals("/sessions", r.getPath());
        assertEquals("livy-kernel", r.getHeader("X-Requested-By"));
        assertEquals("1", r.getHeader("X-Custom"));
        assertTrue(r.getHeader("Authorization").startsWith("Basic "));
        assertTrue(r.getBody().readUtf8().contains("\"conf\":{\"a\":\"b\"}"));
    }

    @Test
    void parsesStatementWithOutput() {
        server.enqueue(json(200, "{\"id\":1,\"code\":\"1/0\",\"state\":\"available\",\"progress\":1.0,\"started\":1,\"completed\":2,"
                + "\"output\":{\"status\":\"error\",\"execution_count\":1,\"ename\":\"ZeroDivisionError\",\"evalue\":\"division by zero\","
                + "\"traceback\":[\"Traceback (most recent call last):\\n\",\"ZeroDivisionError: division by zero\\n\"]}}"));
        Statement st = client.getStatement(3, 1);
        assertTrue(st.isFinished());
        assertTrue(st.output().isError());
        assertEquals("ZeroDivisionError", st.output().ename());
        assertEquals(2, st.output().traceback().size());
    }

    @Test
    void msgErrorBodyBecomesSentence() {
        server.enqueue(json(404, "{\"msg\":\"Session '3' not found.\"}"));
        LivyException e = assertThrows(LivyException.class, () -> client.getSession(3));
        assertTrue(e.isNotFound());
        assertEquals("Livy answered HTTP 404 (not found): Session '3' not found.", e.getMessage());
    }

    @Test
    void bareStringErrorBodyKeepsOnlyFirstLineOfStackTrace() {
        server.enqueue(json(500, "\"java.lang.IllegalStateException: Session is in state starting\\n\\tat org.apache.livy.Foo(Foo.scala:1)\""));
        LivyException e = assertThrows(LivyException.class, () -> client.submitStatement(3, "1", null));
        assertTrue(e.isSessionNotUsable());
        assertFalse(e.getMessage().contains("Foo.scala"));
        assertTrue(e.getMessage().contains("Session is in state starting"));
    }

    @Test
    void htmlErrorBodyFromProxyIsReducedToText() {
        server.enqueue(new MockResponse().setResponseCode(400).setHeader("Content-Type", "text/html;charset=iso-8859-1")
                .setBody("<html><head><title>Error 400 Missing Required Header for CSRF protection.</title></head>"
                        + "<body><h2>HTTP ERROR 400</h2><script>x()</script></body></html>"));
        LivyException e = assertThrows(LivyException.class, () -> client.deleteSession(1));
        assertTrue(e.getMessage().contains("Missing Required Header for CSRF protection"), e.getMessage());
        assertFalse(e.getMessage().contains("<"));
        assertFalse(e.getMessage().contains("x()"));
    }

    @Test
    void getIsRetriedOn503ThenSucceeds() {
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(new MockResponse().setResponseCode(502));
        server.enqueue(json(200, "{\"id\":1,\"state\":\"idle\"}"));
        assertEquals("idle", client.getSession(1).state());
        assertEquals(3, server.getRequestCount());
    }

    @Test
    void getIsRetriedAfterDroppedConnection() {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
        server.enqueue(json(200, "{\"id\":1,\"state\":\"busy\"}"));
        assertEquals("busy", client.getSession(1).state());
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void retriesGiveUpAfterBackoffList() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse().setResponseCode(504));
        }
        LivyException e = assertThrows(LivyException.class, () -> client.getSession(1));
        assertEquals(504, e.status());
        assertEquals(4, server.getRequestCount());
    }

    @Test
    void statementPostIsNeverRetried() {
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(json(201, "{\"id\":1,\"state\":\"waiting\"}"));
        LivyException e = assertThrows(LivyException.class, () -> client.submitStatement(1, "print(1)", null));
        assertEquals(503, e.status());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void readTimeoutIsReportedNotHung() {
        LivyClient slow = client(Duration.ofMillis(200));
        server.enqueue(json(200, "{\"id\":1,\"state\":\"idle\"}").setHeadersDelay(3, TimeUnit.SECONDS));
        LivyException e = assertThrows(LivyException.class, () -> slow.getSession(1));
        assertTrue(e.isUnreachable());
        assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
    }

    @Test
    void unreachableLivyGivesActionableMessage() throws IOException {
        String url = server.url("/").toString();
        server.shutdown();
        LivyClient gone = new LivyClient(new LivyClient.Settings(url, null, null, Map.of(), Duration.ofMillis(300),
                Duration.ofMillis(300), List.of(1L)));
        LivyException e = assertThrows(LivyException.class, () -> gone.getSession(1));
        assertTrue(e.isUnreachable());
        assertTrue(e.getMessage().startsWith("Cannot reach Livy at"), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void anUnknownHostIsNamedAsADnsProblem() {
        LivyClient nowhere = new LivyClient(new LivyClient.Settings("http://no-such-livy.invalid:8998", null, null,
                Map.of(), Duration.ofMillis(500), Duration.ofMillis(500), List.of()));
        LivyException e = assertThrows(LivyException.class, () -> nowhere.getSession(1));
        assertTrue(e.isUnreachable());
        assertTrue(e.getMessage().contains("no-such-livy.invalid is unknown (DNS)"), e.getMessage());
    }

    @Test
    void aBodyThatIsNotJsonIsAMalformedAnswerNotAnError() {
        server.enqueue(new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/html")
                .setBody("<html>gateway</html>"));
        LivyException e = assertThrows(LivyException.class, () -> client.getSession(1));
        assertTrue(e.isMalformedAnswer(), e.getMessage());
        assertTrue(e.getMessage().contains("was not the JSON expected"), e.getMessage());
        server.enqueue(json(404, "{\"msg\":\"Session '1' not found.\"}"));
        assertFalse(assertThrows(LivyException.class, () -> client.getSession(1)).isMalformedAnswer());
    }

    @Test
    void logRequestUsesSizeAndOptionalFrom() throws Exception {
        server.enqueue(json(200, "{\"id\":1,\"from\":0,\"total\":2,\"log\":[\"a\",\"b\"]}"));
        server.enqueue(json(200, "{\"id\":1,\"from\":5,\"total\":9,\"log\":[]}"));
        assertEquals(List.of("a", "b"), client.getLog(1, null, 100).log());
        client.getLog(1, 5, 10);
        assertEquals("/sessions/1/log?size=100", server.takeRequest().getPath());
        assertEquals("/sessions/1/log?size=10&from=5", server.takeRequest().getPath());
    }

    @Test
    void cancelPostsToStatementCancelNotSessionInterrupt() throws Exception {
        server.enqueue(json(200, "{\"msg\":\"canceled\"}"));
        client.cancelStatement(4, 9);
        RecordedRequest r = server.takeRequest();
        assertEquals("POST", r.getMethod());
        assertEquals("/sessions/4/statements/9/cancel", r.getPath());
    }

    @Test
    void rejectsNonHttpUrl() {
        assertThrows(IllegalArgumentException.class, () -> new LivyClient(new LivyClient.Settings("ftp://x", null, null,
                Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), null)));
    }

    @Test
    void redirectToHttpsIsExplainedNotFollowedIntoAClientWithoutTls() {
        server.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", "https://livy.example:8998/sessions/1"));
        LivyException e = assertThrows(LivyException.class, () -> client.getSession(1));
        assertEquals(307, e.status());
        assertTrue(e.getMessage().contains("redirected GET /sessions/1 to https://livy.example:8998/sessions/1"), e.getMessage());
        assertTrue(e.getMessage().contains("LIVY_URL"), e.getMessage());
    }

    @Test
    void httpsSparkUiBehindHttpLivyIsReachedOverTls() throws Exception {
        HeldCertificate cert = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
        HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(cert).build();
        try (MockWebServer tls = new MockWebServer()) {
            tls.useHttps(serverCerts.sslSocketFactory(), false);
            tls.start();
            tls.enqueue(json(200, "[]"));
            String url = tls.url("/api/v1/applications").newBuilder().host("localhost").build().toString();
            LivyException e = assertThrows(LivyException.class, () -> client.getAbsolute(url, Duration.ofSeconds(5)));
            // The JDK's trust store does not know this test CA: the call got as far as a TLS
            // handshake, which a cleartext-only client would never have tried.
            assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, e.getCause(), String.valueOf(e.getCause()));
        }
    }

    @Test
    void aSparkUiRedirectFromHttpToHttpsOnTheSameHostIsFollowedOverTls() throws Exception {
        HeldCertificate cert = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
        HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(cert).build();
        try (MockWebServer tls = new MockWebServer()) {
            tls.useHttps(serverCerts.sslSocketFactory(), false);
            tls.start();
            String target = tls.url("/proxy/application_1_0001/api/v1/applications/application_1_0001/jobs")
                    .newBuilder().host(server.getHostName()).build().toString();
            server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", target));
            String url = server.url("/proxy/application_1_0001/api/v1/applications/application_1_0001/jobs").toString();
            LivyException e = assertThrows(LivyException.class, () -> client.getAbsolute(url, Duration.ofSeconds(5)));
            // as far as the TLS handshake (the test CA is not trusted), not "answered 302"
            assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, e.getCause(), String.valueOf(e.getCause()));
        }
    }

    @Test
    void sparkUiThroughAYarnProxyFollowsItsRedirectsAcrossPortsKeepingPathAndQuery() throws Exception {
        try (MockWebServer proxy = new MockWebServer()) {
            proxy.start();
            // a standby ResourceManager's web proxy sends the caller to the active one, path and query kept
            server.enqueue(new MockResponse().setResponseCode(307)
                    .setHeader("Location", proxy.url("/proxy/application_1_0001/api/v1/applications/application_1_0001/jobs?status=running")));
            proxy.enqueue(json(200, "[{\"jobId\":3}]"));
            String url = server.url("/proxy/application_1_0001/api/v1/applications/application_1_0001/jobs?status=running").toString();
            assertEquals(3, client.getAbsolute(url, Duration.ofSeconds(2)).get(0).path("jobId").asInt());
            assertEquals("/proxy/application_1_0001/api/v1/applications/application_1_0001/jobs?status=running",
                    server.takeRequest().getPath());
            assertEquals("/proxy/application_1_0001/api/v1/applications/application_1_0001/jobs?status=running",
                    proxy.takeRequest().getPath());
        }
    }

    /** The same loopback server under a second host name, so that the client sees another host. */
    private static String onOtherHost(MockWebServer other, String path) {
        return other.url(path).newBuilder().host("127.0.0.1").build().toString();
    }

    private LivyClient clientOnLocalhost() {
        return new LivyClient(new LivyClient.Settings(server.url("/").newBuilder().host("localhost").build().toString(),
                "alice", "s3cret", Map.of("X-Api-Key", "k3y"), Duration.ofSeconds(1), Duration.ofSeconds(2), List.of(10L)));
    }

    @Test
    void livysHeadersAndCredentialsStayOnLivysHostWhereverTheSparkUiOrARedirectLeads() throws Exception {
        LivyClient c = clientOnLocalhost();
        try (MockWebServer elsewhere = new MockWebServer()) {
            elsewhere.start();
            // a Spark UI on another host: neither the API key nor the password goes there
            elsewhere.enqueue(json(200, "[]"));
            c.getAbsolute(onOtherHost(elsewhere, "/api/v1/applications"), Duration.ofSeconds(2));
            RecordedRequest direct = elsewhere.takeRequest();
            assertNull(direct.getHeader("X-Api-Key"));
            assertNull(direct.getHeader("Authorization"));
            assertEquals("livy-kernel", direct.getHeader("X-Requested-By"));

            // the YARN proxy on Livy's host redirects to another host: the first hop has them, the second not
            server.enqueue(new MockResponse().setResponseCode(302)
                    .setHeader("Location", onOtherHost(elsewhere, "/proxy/application_1_0001/api/v1/applications")));
            elsewhere.enqueue(json(200, "[]"));
            c.getAbsolute(server.url("/proxy/application_1_0001/api/v1/applications").newBuilder().host("localhost")
                    .build().toString(), Duration.ofSeconds(2));
            RecordedRequest first = server.takeRequest();
            assertEquals("k3y", first.getHeader("X-Api-Key"));
            assertTrue(first.getHeader("Authorization").startsWith("Basic "));
            RecordedRequest second = elsewhere.takeRequest();
            assertEquals("/proxy/application_1_0001/api/v1/applications", second.getPath());
            assertNull(second.getHeader("X-Api-Key"));
            assertNull(second.getHeader("Authorization"));

            // a Livy REST call that OkHttp follows to another host loses them too
            server.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", onOtherHost(elsewhere, "/sessions/1")));
            elsewhere.enqueue(json(200, "{\"id\":1,\"state\":\"idle\",\"kind\":\"pyspark\",\"log\":[]}"));
            assertEquals("idle", c.getSession(1).state());
            assertEquals("k3y", server.takeRequest().getHeader("X-Api-Key"));
            RecordedRequest followed = elsewhere.takeRequest();
            assertEquals("/sessions/1", followed.getPath());
            assertNull(followed.getHeader("X-Api-Key"));
            assertNull(followed.getHeader("Authorization"));
        }
    }

    @Test
    void anHtmlPageWhereSparkJsonWasExpectedThrowsWithItsGistNotAParseError() {
        // YARN's proxy for an application it does not know: a 404, but no Spark "unknown job"
        server.enqueue(new MockResponse().setResponseCode(404).setHeader("Content-Type", "text/html; charset=UTF-8")
                .setBody("<html><head><title>Not Found</title></head><body><h1>Not Found</h1>"
                        + "Application application_1_0002 could not be found in RM or history server</body></html>"));
        // an application not running yet: the proxy redirects to the ResourceManager's page of it
        server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/cluster/app/application_1_0002"));
        server.enqueue(new MockResponse().setHeader("Content-Type", "text/html")
                .setBody("<html><head><script>var x = 1;</script></head><body>Application application_1_0002 is ACCEPTED</body></html>"));
        String url = server.url("/proxy/application_1_0002/api/v1/applications/application_1_0002/jobs").toString();
        LivyException notFound = assertThrows(LivyException.class, () -> client.getAbsolute(url, Duration.ofSeconds(2)));
        assertEquals("GET /proxy/application_1_0002/api/v1/applications/application_1_0002/jobs answered an HTML page, "
                + "not Spark's JSON (\"Not Found: Application application_1_0002 could not be found in RM or history server\").",
                notFound.getMessage());
        LivyException accepted = assertThrows(LivyException.class, () -> client.getAbsolute(url, Duration.ofSeconds(2)));
        assertTrue(accepted.getMessage().contains("(redirected to " + server.url("/").toString().replaceAll("/$", "")
                + "/cluster/app/application_1_0002) answered an HTML page"), accepted.getMessage());
        assertTrue(accepted.getMessage().contains("\"Application application_1_0002 is ACCEPTED\""), accepted.getMessage());
        assertFalse(accepted.getMessage().contains("var x"), accepted.getMessage());
    }

    @Test
    void sparkUiNotFoundIsNullOtherFailuresThrow() {
        server.enqueue(new MockResponse().setResponseCode(404).setBody("unknown job: 12"));
        server.enqueue(json(500, "{}"));
        String url = server.url("/proxy/app/api/v1/applications/app-1/jobs/12").toString();
        assertNull(client.getAbsolute(url, Duration.ofSeconds(2)));
        LivyException e = assertThrows(LivyException.class, () -> client.getAbsolute(url, Duration.ofSeconds(2)));
        assertEquals(500, e.status());
    }

    @Test
    void sessionsAndLogsAreReadFieldByFieldIgnoringUnknownOnes() {
        server.enqueue(json(200, "{\"from\":0,\"total\":2,\"sessions\":[{\"id\":3,\"state\":\"idle\",\"appId\":\"app-9\","
                + "\"appInfo\":{\"driverLogUrl\":\"http://nm/logs\",\"sparkUiUrl\":\"http://rm/proxy/app-9\",\"new\":1},"
                + "\"log\":[\"a\",\"b\"],\"ttl\":null},{\"id\":4,\"state\":\"dead\",\"appInfo\":null}]}"));
        SessionList list = client.listSessions(0, 100);
        assertEquals(2, list.total());
        Session s = list.sessions().get(0);
        assertEquals(3, s.id());
        assertEquals("app-9", s.appId());
        assertEquals("http://rm/proxy/app-9", s.sparkUiUrl());
        assertEquals("http://nm/logs", s.driverLogUrl());
        assertEquals(List.of("a", "b"), s.log());
        assertNull(list.sessions().get(1).sparkUiUrl());
        assertTrue(list.sessions().get(1).isFinished());

        server.enqueue(json(200, "{\"id\":3,\"from\":10,\"total\":12,\"log\":[\"x\",\"y\"]}"));
        SessionLog log = client.getLog(3, 10, 2);
        assertEquals(12, log.total());
        assertEquals(List.of("x", "y"), log.log());

        server.enqueue(json(200, "[\"not\", \"an object\"]"));
        LivyException e = assertThrows(LivyException.class, () -> client.getSession(3));
        assertTrue(e.getMessage().contains("not the JSON expected"), e.getMessage());
    }
}
