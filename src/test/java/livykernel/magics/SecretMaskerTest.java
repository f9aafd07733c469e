package livykernel.magics;

import livykernel.config.KernelConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretMaskerTest {

    @Test
    void masksSecretKeysAtAnyDepth() {
        Map<String, Object> masked = SecretMasker.mask(Map.of(
                "driverMemory", "2g",
                "conf", Map.of("spark.hadoop.fs.s3a.secret.key", "AKIAXYZ", "spark.hadoop.fs.s3a.access.key", "ID1",
                        "spark.ssl.keyPassword", "pw", "spark.sql.shuffle.partitions", "8",
                        "spark.executorEnv.GITHUB_TOKEN", "ghp_x")));
        assertEquals("2g", masked.get("driverMemory"));
        @SuppressWarnings("unchecked")
        Map<String, Object> conf = (Map<String, Object>) masked.get("conf");
        assertEquals(SecretMasker.MASK, conf.get("spark.hadoop.fs.s3a.secret.key"));
        assertEquals(SecretMasker.MASK, conf.get("spark.hadoop.fs.s3a.access.key"));
        assertEquals(SecretMasker.MASK, conf.get("spark.ssl.keyPassword"));
        assertEquals(SecretMasker.MASK, conf.get("spark.executorEnv.GITHUB_TOKEN"));
        assertEquals("8", conf.get("spark.sql.shuffle.partitions"));
    }

    @Test
    void masksPasswordsInUrls() {
        assertEquals("https://bob:" + SecretMasker.MASK + "@livy.example:8998/x",
                SecretMasker.maskUrl("https://bob:pa55@livy.example:8998/x"));
        assertEquals("http://livy:8998", SecretMasker.maskUrl("http://livy:8998"));
    }

    @Test
    void infoNeverShowsConfiguredSecrets() {
        Map<String, Object> conf = Map.of("conf", Map.of("spark.hadoop.fs.s3a.secret.key", "AKIA-SECRET-1"));
        livykernel.session.SessionManager sessions = Fixtures.sessions(conf);
        MagicContext ctx = new MagicContext(sessions, null, null, Fixtures.config(conf),
                () -> "https://alice:url-pw-9@livy.example", null);
        // No session yet, and listing fails (the test manager has no Livy): info must still render.
        Map<String, Object> bundle = new InfoMagic(ctx).bundle();
        for (Object v : bundle.values()) {
            String s = v.toString();
            assertFalse(s.contains("AKIA-SECRET-1"), s);
            assertFalse(s.contains("hunter2-secret"), s);
            assertFalse(s.contains("tok-123"), s);
            assertFalse(s.contains("url-pw-9"), s);
            assertTrue(s.contains("spark.hadoop.fs.s3a.secret.key"), s);
        }
    }

    @Test
    void infoWarnsWhenCertificateChecksAreOff() {
        livykernel.session.SessionManager sessions = Fixtures.sessions(Map.of());
        KernelConfig checked = Fixtures.config(Map.of()).toBuilder().livyUrl("https://livy.example:8998").build();
        KernelConfig unchecked = checked.toBuilder().ignoreSslErrors(true).build();
        String plain = new InfoMagic(new MagicContext(sessions, null, null, checked, () -> "https://livy.example:8998", null))
                .bundle().get("text/plain").toString();
        String warned = new InfoMagic(new MagicContext(sessions, null, null, unchecked, () -> "https://livy.example:8998", null))
                .bundle().get("text/plain").toString();
        assertFalse(plain.contains("ignore_ssl_errors"), plain);
        assertTrue(warned.contains("ignore_ssl_errors: true: the certificate and host name of this Livy are NOT checked"), warned);
    }

    @Test
    void infoShowsTlsFilesButNeverTheKeyPassword() {
        livykernel.session.SessionManager sessions = Fixtures.sessions(Map.of());
        KernelConfig tls = Fixtures.config(Map.of()).toBuilder().livyUrl("https://livy.example:8998")
                .caBundle("/etc/ca.pem").clientCert("/home/a/cert.pem").clientKey("/home/a/key.pem")
                .clientKeyPassword("k3y-pass-77").build();
        Map<String, Object> bundle = new InfoMagic(new MagicContext(sessions, null, null, tls,
                () -> "https://livy.example:8998", null)).bundle();
        String text = bundle.get("text/plain").toString();
        assertTrue(text.contains("ca_bundle: /etc/ca.pem") && text.contains("client_key: /home/a/key.pem"), text);
        assertTrue(text.contains("client_key_password: " + SecretMasker.MASK), text);
        for (Object v : bundle.values()) {
            assertFalse(v.toString().contains("k3y-pass-77"), v.toString());
        }
    }
}
