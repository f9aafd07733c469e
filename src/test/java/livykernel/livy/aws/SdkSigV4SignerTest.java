package livykernel.livy.aws;

import livykernel.livy.AuthFailure;
import livykernel.livy.SigV4Signer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The SDK side of SigV4: a known signature, the payload hash, session tokens, and no credentials as one sentence. */
class SdkSigV4SignerTest {

    private static final Clock VECTOR_TIME = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static SdkSigV4Signer signer(String region, String service, software.amazon.awssdk.auth.credentials.AwsCredentials c) {
        return new SdkSigV4Signer(new SigV4Signer.Options(region, null, service), StaticCredentialsProvider.create(c), VECTOR_TIME);
    }

    @Test
    void reproducesTheSdksSignatureOfAwsGetVanillaVector() throws Exception {
        // AWS's "get-vanilla" inputs; the SDK always signs x-amz-content-sha256 too (../shared/reference/emr.md §3.2)
        Map<String, String> h = signer("us-east-1", "service", AwsBasicCredentials.create("AKIDEXAMPLE", SECRET))
                .sign("GET", URI.create("https://example.amazonaws.com/"), Map.of("Host", List.of("example.amazonaws.com")),
                        new byte[0]);
        String auth = h.get("Authorization");
        assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "), auth);
        assertTrue(auth.endsWith("Signature=726c5c4879a6b4ccbbd3b24edbd6b8826d34f87450fbbf4e85546fc7ba9c1642"), auth);
        assertEquals("20150830T123600Z", h.get("X-Amz-Date"));
        assertFalse(String.join(" ", h.values()).contains(SECRET));
    }

    @Test
    void signsThePayloadAndSendsTheSessionToken() throws Exception {
        byte[] body = "{\"kind\":\"pyspark\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = signer("eu-west-1", "emr-serverless",
                AwsSessionCredentials.create("ASIAEXAMPLE", SECRET, "token-of-the-session"))
                .sign("POST", URI.create("https://app.livy.emr-serverless-services.eu-west-1.amazonaws.com/sessions"),
                        Map.of("Host", List.of("app.livy.emr-serverless-services.eu-west-1.amazonaws.com"),
                                "Content-Type", List.of("application/json; charset=utf-8")), body);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertEquals(sha, h.get("x-amz-content-sha256"));
        assertEquals("token-of-the-session", h.get("X-Amz-Security-Token"));
        assertTrue(h.get("Authorization").contains("/eu-west-1/emr-serverless/aws4_request, SignedHeaders=content-type;host;"
                + "x-amz-content-sha256;x-amz-date;x-amz-security-token, "), h.get("Authorization"));
    }

    @Test
    void noCredentialsIsOneSentenceNamingWhatToSet() {
        SdkSigV4Signer none = new SdkSigV4Signer(new SigV4Signer.Options("us-east-1", null, "emr-serverless"), () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        }, VECTOR_TIME);
        AuthFailure e = assertThrows(AuthFailure.class, () -> none.sign("GET", URI.create("https://h/"), Map.of(), new byte[0]));
        assertEquals("The kernel found no AWS credentials to sign its requests to Livy: set AWS_PROFILE (or aws_profile) "
                + "to a profile in ~/.aws/credentials, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
                + "AWS_SESSION_TOKEN with temporary credentials).", e.getMessage());
        SdkSigV4Signer missingProfile = new SdkSigV4Signer(new SigV4Signer.Options("us-east-1", "analyst", "emr-serverless"),
                () -> {
                    throw SdkClientException.create("Profile file contained no credentials for profile 'analyst'");
                }, VECTOR_TIME);
        assertTrue(assertThrows(AuthFailure.class, () -> missingProfile.sign("GET", URI.create("https://h/"), Map.of(),
                new byte[0])).getMessage().startsWith("The AWS profile 'analyst' (aws_profile) gives the kernel no credentials"));
    }

    @Test
    void throughLivyClientEveryAttemptCarriesTheSdksSignature() throws Exception {
        try (okhttp3.mockwebserver.MockWebServer server = new okhttp3.mockwebserver.MockWebServer()) {
            server.enqueue(new okhttp3.mockwebserver.MockResponse().setResponseCode(503));
            server.enqueue(new okhttp3.mockwebserver.MockResponse().setResponseCode(200)
                    .setHeader("Content-Type", "application/json").setBody("{\"id\":3,\"state\":\"idle\"}"));
            server.enqueue(new okhttp3.mockwebserver.MockResponse().setResponseCode(201)
                    .setHeader("Content-Type", "application/json").setBody("{\"id\":4,\"state\":\"starting\"}"));
            SdkSigV4Signer sdk = new SdkSigV4Signer(new SigV4Signer.Options("us-east-1", null, "emr-serverless"),
                    StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAEXAMPLE", SECRET, "tok")), null);
            livykernel.livy.LivyClient client = new livykernel.livy.LivyClient(new livykernel.livy.LivyClient.Settings(
                    server.url("/").toString(), null, null, Map.of(), java.time.Duration.ofSeconds(2),
                    java.time.Duration.ofSeconds(2), List.of(10L), false, null, new livykernel.livy.SigV4Auth(() -> sdk)));
            assertEquals(3, client.getSession(3).id());
            client.createSession(Map.of("kind", "pyspark"));
            for (int i = 0; i < 3; i++) {
                okhttp3.mockwebserver.RecordedRequest r = server.takeRequest();
                String auth = r.getHeader("Authorization");
                assertNotNull(auth, "attempt " + i + " is signed");
                assertTrue(auth.startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/"), auth);
                assertTrue(auth.contains("/us-east-1/emr-serverless/aws4_request"), auth);
                assertNotNull(r.getHeader("X-Amz-Date"));
                assertEquals("tok", r.getHeader("X-Amz-Security-Token"));
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.getBody().readByteArray()));
                assertEquals(sha, r.getHeader("x-amz-content-sha256"), "the hash of the body as sent");
            }
        }
    }
}
