package livykernel.livy;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.*;

/** The SigV4 interceptor in LivyClient: what it signs, that every attempt is signed anew, and AWS's refusals. */
class SigV4AuthTest {

    private static final String SESSION = "{\"id\":3,\"state\":\"idle\",\"kind\":\"pyspark\"}";

    /** A signer that records what it was given and answers a numbered signature. */
    static final class Recording implements SigV4Signer {
        final List<String> uris = new CopyOnWriteArrayList<>();
        final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final AtomicInteger n = new AtomicInteger();

        @Override
        public Map<String, String> sign(String method, URI uri, Map<String, List<String>> h, byte[] body) {
            uris.add(method + " " + uri.getPath());
            headers.add(h);
            bodies.add(new String(body, StandardCharsets.UTF_8));
            int i = n.incrementAndGet();
            return Map.of("Authorization", "AWS4-HMAC-SHA256 test-" + i, "X-Amz-Date", "20260101T00000" + i + "Z",
                    "Host", "must-not-be-copied");
        }
    }

    private MockWebServer server;
    private final Recording signer = new Recording();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private LivyClient client(LivyAuth auth) {
        return new LivyClient(new LivyClient.Settings(server.url("/").toString(), null, null,
                Map.of("X-Gateway-Token", "not-signed"), Duration.ofSeconds(2), Duration.ofSeconds(2),
                List.of(10L, 10L), false, null, auth));
    }

    @Test
    void signsOnlyHostContentTypeAndAmzHeadersAndKeepsTheBody() throws Exception {
        server.enqueue(json(201, SESSION));
        client(new SigV4Auth(() -> signer)).createSession(Map.of("kind", "pyspark"));
        RecordedRequest r = server.takeRequest();
        assertEquals("AWS4-HMAC-SHA256 test-1", r.getHeader("Authorization"));
        assertEquals("20260101T000001Z", r.getHeader("X-Amz-Date"));
        assertEquals("127.0.0.1:" + server.getPort(), r.getHeader("Host").replace("localhost", "127.0.0.1"));
        assertEquals("{\"kind\":\"pyspark\"}", r.getBody().readUtf8());
        assertEquals("{\"kind\":\"pyspark\"}", signer.bodies.get(0));
        assertEquals("not-signed", r.getHeader("X-Gateway-Token"), "custom headers are sent");
        var signed = signer.headers.get(0).keySet().stream().map(String::toLowerCase).sorted().toList();
        assertEquals(List.of("content-type", "host"), signed, "only what a proxy leaves alone is signed");
    }

    @Test
    void everyRetryIsSignedAgain() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(json(200, SESSION));
        assertEquals(3, client(new SigV4Auth(() -> signer)).getSession(3).id());
        List<String> auths = List.of(server.takeRequest().getHeader("Authorization"),
                server.takeRequest().getHeader("Authorization"), server.takeRequest().getHeader("Authorization"));
        assertEquals(List.of("AWS4-HMAC-SHA256 test-1", "AWS4-HMAC-SHA256 test-2", "AWS4-HMAC-SHA256 test-3"), auths);
        assertEquals(List.of("GET /sessions/3", "GET /sessions/3", "GET /sessions/3"), signer.uris);
    }

    @Test
    void aFollowedRedirectIsSignedForItsOwnPath() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", "/livy/sessions/3"));
        server.enqueue(json(200, SESSION));
        assertEquals(3, client(new SigV4Auth(() -> signer)).getSession(3).id());
        assertEquals("AWS4-HMAC-SHA256 test-1", server.takeRequest().getHeader("Authorization"));
        RecordedRequest second = server.takeRequest();
        assertEquals("/livy/sessions/3", second.getPath());
        assertEquals("AWS4-HMAC-SHA256 test-2", second.getHeader("Authorization"));
        assertEquals(List.of("GET /sessions/3", "GET /livy/sessions/3"), signer.uris);
    }

    @Test
    void theSparkUiIsNotSignedWithLivysCredentials() throws Exception {
        server.enqueue(json(200, "{\"jobs\":[]}"));
        client(new SigV4Auth(() -> signer)).getAbsolute(server.url("/api/v1/applications").toString(), Duration.ofSeconds(2));
        assertNull(server.takeRequest().getHeader("Authorization"));
        assertEquals(0, signer.n.get());
    }

    @Test
    void missingCredentialsAreOneSentenceAndNotRetried() throws Exception {
        LivyClient c = client(new SigV4Auth(() -> (m, u, h, b) -> {
            throw new AuthFailure("The kernel found no AWS credentials: set AWS_PROFILE.");
        }));
        LivyException e = assertThrows(LivyException.class, () -> c.getSession(3));
        assertEquals("The kernel found no AWS credentials: set AWS_PROFILE.", e.getMessage());
        assertEquals(401, e.status());
        assertFalse(e.isUnreachable(), "not an outage to ride out");
        assertEquals(0, server.getRequestCount(), "nothing unsigned was sent");
    }

    @Test
    void aLibraryThatCannotLoadIsTheCellsSentence() {
        LivyClient c = client(new SigV4Auth(() -> {
            throw new IllegalStateException("The kernel's AWS libraries are missing: reinstall the kernel.");
        }));
        LivyException e = assertThrows(LivyException.class, () -> c.getSession(3));
        assertEquals("The kernel's AWS libraries are missing: reinstall the kernel.", e.getMessage());
        assertEquals(e.getMessage(), assertThrows(LivyException.class, () -> c.getSession(3)).getMessage());
    }

    @Test
    void awsRefusalsBecomeASentenceNamingWhatToSet() throws Exception {
        server.enqueue(json(403, "{\"message\":\"The security token included in the request is invalid.\"}")
                .setHeader("x-amzn-ErrorType", "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/"));
        server.enqueue(json(403, "{\"__type\":\"com.amazon.coral.service#InvalidSignatureException\","
                + "\"message\":\"The request signature we calculated does not match. The Canonical String was GET /x\"}"));
        server.enqueue(json(403, "{\"Message\":\"User: arn:aws:iam::1:user/bob is not authorized to perform: "
                + "emr-serverless:AccessLivyEndpoints\"}").setHeader("x-amzn-ErrorType", "AccessDeniedException"));
        server.enqueue(json(403, "{\"msg\":\"no such session\"}"));
        LivyClient c = client(new SigV4Auth(() -> signer));
        String unknownKey = assertThrows(LivyException.class, () -> c.getSession(3)).getMessage();
        assertTrue(unknownKey.startsWith("AWS does not recognise the kernel's AWS credentials for Livy "
                + "(UnrecognizedClientException): set AWS_PROFILE (or aws_profile)"), unknownKey);
        assertTrue(unknownKey.contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), unknownKey);
        String badSignature = assertThrows(LivyException.class, () -> c.getSession(3)).getMessage();
        assertTrue(badSignature.startsWith("AWS rejected the signature of the kernel's request to Livy "
                + "(InvalidSignatureException)"), badSignature);
        assertFalse(badSignature.contains("Canonical"), "AWS's echo of the request is left out");
        String denied = assertThrows(LivyException.class, () -> c.getSession(3)).getMessage();
        assertTrue(denied.contains("not authorized to perform: emr-serverless:AccessLivyEndpoints"), denied);
        assertEquals("Livy answered HTTP 403 (forbidden: this user may not do that): no such session",
                assertThrows(LivyException.class, () -> c.getSession(3)).getMessage(), "Livy's own 403 stays Livy's");
        assertEquals(4, server.getRequestCount(), "4xx are never retried");
        server.takeRequest(1, TimeUnit.SECONDS);
    }

    @Test
    void theRegionComesFromAnAwsHostOnly() {
        assertEquals("us-east-1", SigV4Auth.regionOf("00fabc123.livy.emr-serverless-services.us-east-1.amazonaws.com"));
        assertEquals("eu-central-2", SigV4Auth.regionOf("APP.livy.emr-serverless-services.eu-central-2.amazonaws.com."));
        assertEquals("us-gov-west-1", SigV4Auth.regionOf("emr-serverless.us-gov-west-1.amazonaws.com"));
        assertEquals("cn-north-1", SigV4Auth.regionOf("x.livy.emr-serverless-services.cn-north-1.amazonaws.com.cn"));
        assertEquals("ap-southeast-2", SigV4Auth.regionOf("abc.execute-api.ap-southeast-2.amazonaws.com"));
        assertNull(SigV4Auth.regionOf("127.0.0.1"));
        assertNull(SigV4Auth.regionOf("livy.us-east-1.example.com"), "not an AWS host");
        assertNull(SigV4Auth.regionOf("livy.amazonaws.com"));
        SigV4Signer.Options o = SigV4Signer.Options.forLivy(
                "https://app.livy.emr-serverless-services.us-west-2.amazonaws.com", "eu-west-1", null, "emr-serverless");
        assertEquals("us-west-2", o.region(), "the host's region wins: the endpoint checks for it");
        assertEquals("eu-west-1", SigV4Signer.Options.forLivy("http://127.0.0.1:9", "eu-west-1", "p", "s").region());
    }
}
