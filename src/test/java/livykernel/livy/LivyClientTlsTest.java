package livykernel.livy;

import okhttp3.mockwebserver.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.*;

/** {@code ignore_ssl_errors} against an https Livy whose certificate no trust store knows. */
class LivyClientTlsTest {

    private MockWebServer server;
    private String url;

    @BeforeEach
    void start() throws IOException {
        // Issued for another name than the one we connect to, so both checks (issuer and
        // host name) would refuse it.
        HeldCertificate selfSigned = new HeldCertificate.Builder().addSubjectAlternativeName("livy.invalid").build();
        HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(selfSigned).build();
        server = new MockWebServer();
        server.useHttps(serverCerts.sslSocketFactory(), false);
        server.start();
        url = server.url("/").toString();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private LivyClient client(boolean ignoreSslErrors) {
        return new LivyClient(new LivyClient.Settings(url, null, null, Map.of(), Duration.ofSeconds(2),
                Duration.ofSeconds(2), List.of(1L), ignoreSslErrors));
    }

    @Test
    void selfSignedCertificateIsRefusedWithAClearErrorByDefault() {
        server.enqueue(json(200, "{\"id\":1,\"state\":\"idle\"}"));
        LivyClient strict = client(false);
        assertFalse(strict.trustsAnyCertificate());
        LivyException e = assertThrows(LivyException.class, () -> strict.getSession(1));
        assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, e.getCause(), String.valueOf(e.getCause()));
        assertTrue(e.getMessage().contains("signed by a CA this kernel does not trust"), e.getMessage());
        assertTrue(e.getMessage().contains("ca_bundle"), e.getMessage());
        assertTrue(e.getMessage().contains("ignore_ssl_errors"), e.getMessage());
    }

    @Test
    void selfSignedCertificateIsAcceptedWhenSslErrorsAreIgnored() throws Exception {
        server.enqueue(json(200, "{\"id\":1,\"state\":\"idle\"}"));
        LivyClient lax = client(true);
        assertTrue(lax.trustsAnyCertificate());
        assertEquals("idle", lax.getSession(1).state());
        assertEquals("/sessions/1", server.takeRequest().getPath());
        assertTrue(lax.withCallTimeout(Duration.ofSeconds(1)).trustsAnyCertificate());
    }

    @Test
    void ignoringSslErrorsDoesNothingForHttp() {
        LivyClient plain = new LivyClient(new LivyClient.Settings("http://127.0.0.1:1", null, null, Map.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(1L), true));
        assertFalse(plain.trustsAnyCertificate());
    }
}
