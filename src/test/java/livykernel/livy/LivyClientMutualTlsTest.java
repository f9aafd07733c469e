package livykernel.livy;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static livykernel.livy.ScriptedLivy.json;
import static org.junit.jupiter.api.Assertions.*;

/**
 * An https Livy with a private CA that demands a client certificate: the CA bundle, every PEM
 * key kind, and the one-sentence errors for each way the handshake or the files can fail.
 */
class LivyClientMutualTlsTest {

    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    private static final String PASSWORD = "k3y-pa55";
    private static final String IDLE = "{\"id\":1,\"state\":\"idle\"}";

    private static String host;
    private static HeldCertificate ca;
    private static HeldCertificate rsaClient;
    private static HeldCertificate ecClient;

    @TempDir
    Path dir;
    private MockWebServer server;
    private Path caFile;

    /** How a client key file is written, each as openssl writes it. */
    enum KeyKind {
        PKCS1_RSA("BEGIN RSA PRIVATE KEY", true, false),
        PKCS8_RSA("BEGIN PRIVATE KEY", true, false),
        PKCS8_EC("BEGIN PRIVATE KEY", false, false),
        SEC1_EC("BEGIN EC PRIVATE KEY", false, false),
        ENCRYPTED_PKCS8_RSA("BEGIN ENCRYPTED PRIVATE KEY", true, true),
        ENCRYPTED_PKCS8_EC("BEGIN ENCRYPTED PRIVATE KEY", false, true),
        LEGACY_ENCRYPTED_RSA("Proc-Type: 4,ENCRYPTED", true, true),
        LEGACY_ENCRYPTED_EC("Proc-Type: 4,ENCRYPTED", false, true);

        final String marker;
        final boolean rsa;
        final boolean encrypted;

        KeyKind(String marker, boolean rsa, boolean encrypted) {
            this.marker = marker;
            this.rsa = rsa;
            this.encrypted = encrypted;
        }

        PemObjectGenerator pem(PrivateKey jdkKey) throws Exception {
            char[] pw = PASSWORD.toCharArray();
            // The JDK's EC key keeps the curve outside its inner SEC1 structure, so a SEC1 file
            // written from it would name no curve; Bouncy Castle's key, like openssl, puts it inside.
            PrivateKey key = rsa ? jdkKey : java.security.KeyFactory.getInstance("EC", BC)
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(jdkKey.getEncoded()));
            return switch (this) {
                case PKCS1_RSA, SEC1_EC -> new JcaMiscPEMGenerator(key);
                case PKCS8_RSA, PKCS8_EC -> new JcaPKCS8Generator(key, null);
                case ENCRYPTED_PKCS8_RSA, ENCRYPTED_PKCS8_EC -> new JcaPKCS8Generator(key,
                        new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(BC).setPassword(pw).build());
                case LEGACY_ENCRYPTED_RSA, LEGACY_ENCRYPTED_EC ->
                        new JcaMiscPEMGenerator(key, new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build(pw));
            };
        }
    }

    @BeforeAll
    static void certificates() throws IOException {
        // what MockWebServer binds to and puts in its URLs; asking it would start it before useHttps
        host = java.net.InetAddress.getByName("localhost").getCanonicalHostName();
        ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("livy-kernel test CA").build();
        rsaClient = new HeldCertificate.Builder().rsa2048().commonName("kernel").signedBy(ca).build();
        ecClient = new HeldCertificate.Builder().ecdsa256().commonName("kernel").signedBy(ca).build();
    }

    @BeforeEach
    void start() throws IOException {
        caFile = write("ca.pem", "# a comment line, as in distribution bundles\n" + ca.certificatePem());
        server = new MockWebServer();
        serve(server, serverCertificate(new HeldCertificate.Builder()));
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private HeldCertificate serverCertificate(HeldCertificate.Builder b) {
        return b.addSubjectAlternativeName(host).signedBy(ca).build();
    }

    /** Starts {@code s} with https, trusting client certificates from the test CA only, and requiring one. */
    private static void serve(MockWebServer s, HeldCertificate cert) throws IOException {
        HandshakeCertificates certs = new HandshakeCertificates.Builder()
                .heldCertificate(cert, ca.certificate())
                .addTrustedCertificate(ca.certificate())
                .build();
        s.useHttps(certs.sslSocketFactory(), false);
        s.requireClientAuth();
        s.start();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private Path keyFile(KeyKind kind, PrivateKey key) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(kind.pem(key));
        }
        assertTrue(out.toString().contains(kind.marker), kind + " wrote " + out);
        return write(kind + ".key", out.toString());
    }

    private TlsFiles files(HeldCertificate client, Path key, String password) throws IOException {
        Path cert = write("client.pem", client.certificatePem() + ca.certificatePem());
        return new TlsFiles(caFile, cert, key, password);
    }

    private TlsFiles rsaFiles() throws Exception {
        return files(rsaClient, keyFile(KeyKind.PKCS8_RSA, rsaClient.keyPair().getPrivate()), null);
    }

    private LivyClient client(String url, TlsFiles tls) {
        return new LivyClient(new LivyClient.Settings(url, null, null, Map.of(), Duration.ofSeconds(5),
                Duration.ofSeconds(5), List.of(1L), false, tls));
    }

    private LivyClient client(TlsFiles tls) {
        return client(server.url("/").toString(), tls);
    }

    private String origin() {
        return "https://" + host + ":" + server.getPort();
    }

    private String failure(TlsFiles tls) {
        server.enqueue(json(200, IDLE));
        return assertThrows(LivyException.class, () -> client(tls).getSession(1)).getMessage();
    }

    @ParameterizedTest
    @EnumSource(KeyKind.class)
    void eachKeyKindAuthenticatesTheKernelToAServerOfThePrivateCa(KeyKind kind) throws Exception {
        HeldCertificate client = kind.rsa ? rsaClient : ecClient;
        Path key = keyFile(kind, client.keyPair().getPrivate());
        server.enqueue(json(200, IDLE));
        LivyClient livy = client(files(client, key, kind.encrypted ? PASSWORD : null));
        assertEquals("idle", livy.getSession(1).state());
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertNotNull(r);
        assertEquals("CN=kernel", r.getHandshake().peerPrincipal().getName());
    }

    @Test
    void theCaBundleIsAddedToTheJdksTrustNotInsteadOfIt() throws Exception {
        Set<X509Certificate> jdk = Set.of(Certificates.jdkTrust().getAcceptedIssuers());
        Set<X509Certificate> both = Set.of(Certificates.withBundle(new TlsFiles(caFile, null, null, null)).getAcceptedIssuers());
        assertTrue(jdk.size() > 50, "the JDK ships its CA list: " + jdk.size());
        assertTrue(both.containsAll(jdk));
        assertTrue(both.contains(ca.certificate()));
        assertFalse(jdk.contains(ca.certificate()));
        assertTrue(both.stream().anyMatch(c -> c.getSubjectX500Principal().getName().contains("ISRG Root X1")),
                "a well-known public root stays trusted");
    }

    @Test
    void aServerOfAnUnknownCaIsRefusedWithTheAdviceToSetCaBundle() throws Exception {
        TlsFiles withCa = rsaFiles();
        TlsFiles noCa = new TlsFiles(null, withCa.clientCert(), withCa.clientKey(), null);
        assertEquals("Livy at " + origin() + " presented a certificate signed by a CA this kernel does not trust: put that"
                + " CA's PEM certificate in a file and set ca_bundle (or LIVY_CA_BUNDLE) to it (ignore_ssl_errors"
                + " switches the checks off instead).", failure(noCa));
        Path otherCa = write("other-ca.pem", new HeldCertificate.Builder().certificateAuthority(0).build().certificatePem());
        TlsFiles wrongCa = new TlsFiles(otherCa, withCa.clientCert(), withCa.clientKey(), null);
        assertEquals("Livy at " + origin() + " presented a certificate signed by a CA this kernel does not trust: the CA"
                + " is neither among the JDK's nor in the ca_bundle file " + otherCa + " (ignore_ssl_errors switches the"
                + " checks off instead).", failure(wrongCa));
    }

    @Test
    void aWrongOrMissingKeyPasswordIsOneSentenceNamingTheFile() throws Exception {
        for (KeyKind kind : List.of(KeyKind.ENCRYPTED_PKCS8_RSA, KeyKind.LEGACY_ENCRYPTED_RSA, KeyKind.LEGACY_ENCRYPTED_EC)) {
            HeldCertificate client = kind.rsa ? rsaClient : ecClient;
            Path key = keyFile(kind, client.keyPair().getPrivate());
            String wrong = failure(files(client, key, "not-the-password"));
            assertEquals("The client_key file " + key + " could not be decrypted: client_key_password is wrong.", wrong, kind.name());
            assertFalse(wrong.contains("not-the-password"));
            assertEquals("The client_key file " + key + " is encrypted: set client_key_password (or LIVY_CLIENT_KEY_PASSWORD).",
                    failure(files(client, key, null)), kind.name());
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedNamingBothNames() throws Exception {
        server.shutdown();
        server = new MockWebServer();
        serve(server, new HeldCertificate.Builder().addSubjectAlternativeName("livy.example.com").signedBy(ca).build());
        assertEquals("Livy at " + origin() + " presented a certificate for livy.example.com, not for "
                + host + ": use a host name the certificate holds in the URL.", failure(rsaFiles()));
    }

    @Test
    void anExpiredCertificateIsRefusedAsExpired() throws Exception {
        server.shutdown();
        server = new MockWebServer();
        long now = System.currentTimeMillis();
        serve(server, serverCertificate(new HeldCertificate.Builder()
                .validityInterval(now - Duration.ofDays(30).toMillis(), now - Duration.ofDays(1).toMillis())));
        assertEquals("Livy at " + origin() + " presented a certificate that has expired; the server needs a renewed"
                + " certificate.", failure(rsaFiles()));
    }

    @Test
    void aServerDemandingAClientCertificateSaysSoWhenNoneIsConfigured() throws Exception {
        String message = failure(new TlsFiles(caFile, null, null, null));
        assertEquals("Livy at " + origin() + " asks for a client certificate: set client_cert and client_key"
                + " (or LIVY_CLIENT_CERT and LIVY_CLIENT_KEY) to its PEM files.", message);
    }

    @Test
    void unusableFilesAreOneSentenceEachNamingTheFile() throws Exception {
        TlsFiles good = rsaFiles();
        Path missing = dir.resolve("missing.pem");
        assertEquals("The ca_bundle file " + missing + " does not exist.",
                failure(new TlsFiles(missing, good.clientCert(), good.clientKey(), null)));
        Path notPem = write("not.pem", "hello\n");
        assertEquals("The ca_bundle file " + notPem + " holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block).",
                failure(new TlsFiles(notPem, good.clientCert(), good.clientKey(), null)));
        assertEquals("The client_cert file " + notPem + " holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block).",
                failure(new TlsFiles(caFile, notPem, good.clientKey(), null)));
        Path certOnly = write("cert-only.key", rsaClient.certificatePem());
        assertEquals("The client_key file " + certOnly + " holds no PEM private key.",
                failure(new TlsFiles(caFile, good.clientCert(), certOnly, null)));
        assertEquals("The client_key file " + missing + " does not exist.",
                failure(new TlsFiles(caFile, good.clientCert(), missing, null)));
        Path ecKey = keyFile(KeyKind.SEC1_EC, ecClient.keyPair().getPrivate());
        assertEquals("The client_key file " + ecKey + " does not belong to the first certificate in the client_cert file "
                + good.clientCert() + ".", failure(new TlsFiles(caFile, good.clientCert(), ecKey, null)));
        assertEquals("client_key is set but client_cert is not: a client certificate needs both PEM files.",
                failure(new TlsFiles(caFile, null, good.clientKey(), null)));
    }

    @Test
    void redirectsAndTheSparkUiUseTheSameTlsSettings() throws Exception {
        MockWebServer other = new MockWebServer();
        serve(other, new HeldCertificate.Builder().addSubjectAlternativeName(host).signedBy(ca).build());
        try {
            other.enqueue(json(200, IDLE));
            server.enqueue(new MockResponse().setResponseCode(307).setHeader("Location", other.url("/sessions/1")));
            LivyClient livy = client(rsaFiles());
            assertEquals("idle", livy.getSession(1).state());
            assertEquals("CN=kernel", other.takeRequest(5, TimeUnit.SECONDS).getHandshake().peerPrincipal().getName());

            other.enqueue(json(200, "{\"jobs\":[]}"));
            assertTrue(livy.getAbsolute(other.url("/api/v1/applications").toString(), Duration.ofSeconds(5)).has("jobs"));
            assertEquals("CN=kernel", other.takeRequest(5, TimeUnit.SECONDS).getHandshake().peerPrincipal().getName());

            // an https Spark UI behind an http Livy gets them as well
            other.enqueue(json(200, "{\"jobs\":[]}"));
            LivyClient plain = client("http://127.0.0.1:1", rsaFiles());
            assertTrue(plain.getAbsolute(other.url("/api/v1/applications").toString(), Duration.ofSeconds(5)).has("jobs"));
            assertEquals("CN=kernel", other.takeRequest(5, TimeUnit.SECONDS).getHandshake().peerPrincipal().getName());
        } finally {
            other.shutdown();
        }
    }

    @Test
    void aLostConnectionToAServerThatDidWithoutAClientCertificateIsNotBlamedOnOne() throws Exception {
        server.shutdown();
        server = new MockWebServer();
        HandshakeCertificates certs = new HandshakeCertificates.Builder()
                .heldCertificate(serverCertificate(new HeldCertificate.Builder()), ca.certificate())
                .addTrustedCertificate(ca.certificate()).build();
        server.useHttps(certs.sslSocketFactory(), false);
        server.requestClientAuth(); // asks, but does without
        server.start();
        LivyClient livy = client(new TlsFiles(caFile, null, null, null));
        server.enqueue(json(200, IDLE));
        assertEquals("idle", livy.getSession(1).state());
        for (int i = 0; i < 3; i++) {
            server.enqueue(json(200, IDLE).setSocketPolicy(okhttp3.mockwebserver.SocketPolicy.DISCONNECT_AFTER_REQUEST));
        }
        String message = assertThrows(LivyException.class, () -> livy.getSession(1)).getMessage();
        assertTrue(message.startsWith("The connection to Livy at " + origin() + " failed during GET /sessions/1"), message);
    }

    @Test
    void ignoringSslErrorsStillPresentsTheClientCertificate() throws Exception {
        TlsFiles noCa = new TlsFiles(null, rsaFiles().clientCert(), rsaFiles().clientKey(), null);
        LivyClient lax = new LivyClient(new LivyClient.Settings(server.url("/").toString(), null, null, Map.of(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), List.of(1L), true, noCa));
        server.enqueue(json(200, IDLE));
        assertEquals("idle", lax.getSession(1).state());
        assertEquals("CN=kernel", server.takeRequest(5, TimeUnit.SECONDS).getHandshake().peerPrincipal().getName());
    }
}
