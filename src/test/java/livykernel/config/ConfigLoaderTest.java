package livykernel.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ConfigLoaderTest {

    @TempDir
    Path home;

    private KernelConfig load(Map<String, String> env) {
        return new ConfigLoader(env, home).load();
    }

    private void sparkmagic(String json) throws IOException {
        Files.createDirectories(home.resolve(".sparkmagic"));
        Files.writeString(home.resolve(".sparkmagic/config.json"), json);
    }

    @Test
    void homeIsDollarHomeWhenSetAndUserHomeOtherwise() {
        assertEquals(Path.of("/from/env"), ConfigLoader.home(Map.of("HOME", "/from/env"), "/from/passwd"));
        assertEquals(Path.of("/from/passwd"), ConfigLoader.home(Map.of(), "/from/passwd"));
        assertEquals(Path.of("/from/passwd"), ConfigLoader.home(Map.of("HOME", " "), "/from/passwd"));
    }

    @Test
    void noConfigMeansEmbeddedEndpoint() {
        KernelConfig c = load(Map.of());
        assertTrue(c.usesLocalEndpoint());
        assertEquals("None", c.auth());
        assertEquals(60, c.heartbeatTimeoutSeconds());
        assertTrue(c.configProblems().isEmpty());
    }

    @Test
    void sessionAutoRecreateIsOnByDefaultAndSetByFileOrEnvironment() throws IOException {
        assertTrue(load(Map.of()).sessionAutoRecreate());
        sparkmagic("{\"session_auto_recreate\": false}");
        assertFalse(load(Map.of()).sessionAutoRecreate());
        assertTrue(load(Map.of("LIVY_KERNEL_SESSION_AUTO_RECREATE", "on")).sessionAutoRecreate(), "the environment wins");
        KernelConfig bad = load(Map.of("LIVY_KERNEL_SESSION_AUTO_RECREATE", "sometimes"));
        assertFalse(bad.sessionAutoRecreate(), "a bad value keeps the file's setting");
        assertTrue(bad.configProblems().get(0).contains("LIVY_KERNEL_SESSION_AUTO_RECREATE must be true or false"),
                bad.configProblems().toString());
    }

    @Test
    void idleKeepaliveIsOffByDefaultAndReadAsADuration() throws IOException {
        assertEquals(java.time.Duration.ZERO, load(Map.of()).sessionIdleKeepalive());
        sparkmagic("{\"session_idle_keepalive\": \"8h\"}");
        assertEquals(java.time.Duration.ofHours(8), load(Map.of()).sessionIdleKeepalive());
        assertEquals(java.time.Duration.ofMinutes(90),
                load(Map.of("LIVY_KERNEL_SESSION_IDLE_KEEPALIVE", "90m")).sessionIdleKeepalive(), "the environment wins");
        assertEquals(java.time.Duration.ZERO,
                load(Map.of("LIVY_KERNEL_SESSION_IDLE_KEEPALIVE", "off")).sessionIdleKeepalive());
        KernelConfig bad = load(Map.of("LIVY_KERNEL_SESSION_IDLE_KEEPALIVE", "all lunch"));
        assertEquals(java.time.Duration.ofHours(8), bad.sessionIdleKeepalive(), "a bad value keeps the file's setting");
        assertTrue(bad.configProblems().get(0).contains("session_idle_keepalive must be a duration such as 8h"),
                bad.configProblems().toString());
    }

    @Test
    void displayCapsDefaultToTheSessionHelpersOwnAndAreSettings() throws IOException {
        KernelConfig c = load(Map.of());
        assertEquals(livykernel.display.SessionDisplay.DEFAULT_MAX_ROWS, c.displayMaxRows());
        assertEquals(livykernel.display.SessionDisplay.DEFAULT_MAX_BYTES, c.displayMaxBytes());
        sparkmagic("{\"display_max_rows\": 50, \"display_max_bytes\": 1048576}");
        assertEquals(50, load(Map.of()).displayMaxRows());
        assertEquals(1048576, load(Map.of()).displayMaxBytes());
        KernelConfig bad = load(Map.of("LIVY_KERNEL_DISPLAY_MAX_ROWS", "lots"));
        assertEquals(50, bad.displayMaxRows());
        assertTrue(bad.configProblems().get(0).contains("LIVY_KERNEL_DISPLAY_MAX_ROWS must be a whole number"),
                bad.configProblems().toString());
    }

    @Test
    void richResultsAreOnUnlessTurnedOff() throws IOException {
        assertTrue(load(Map.of()).richResults());
        sparkmagic("{\"rich_results\": false}");
        assertFalse(load(Map.of()).richResults());
        assertTrue(load(Map.of("LIVY_KERNEL_RICH_RESULTS", "true")).richResults(), "the environment wins");
    }

    @Test
    void sessionPrestartIsOnForTheEmbeddedEndpointOffForARemoteLivyAndSetByFileOrEnvironment() throws IOException {
        assertTrue(load(Map.of()).prestartsSession(), "embedded endpoint");
        assertFalse(load(Map.of("LIVY_URL", "http://livy:8998")).prestartsSession(), "a shared cluster");
        assertTrue(load(Map.of("LIVY_URL", "http://livy:8998", "LIVY_KERNEL_SESSION_PRESTART", "true")).prestartsSession());
        sparkmagic("{\"session_prestart\": false}");
        assertFalse(load(Map.of()).prestartsSession());
        assertTrue(load(Map.of("LIVY_KERNEL_SESSION_PRESTART", "yes")).prestartsSession(), "the environment wins");
        KernelConfig bad = load(Map.of("LIVY_KERNEL_SESSION_PRESTART", "maybe"));
        assertFalse(bad.prestartsSession(), "a bad value keeps the file's setting");
        assertTrue(bad.configProblems().get(0).contains("LIVY_KERNEL_SESSION_PRESTART must be true or false"),
                bad.configProblems().toString());
    }

    @Test
    void warmSpareIsOnUnlessTheFileOrTheEnvironmentTurnsItOff() throws IOException {
        assertTrue(load(Map.of()).localWarmSpare());
        assertFalse(load(Map.of("LIVY_KERNEL_WARM_SPARE", "false")).localWarmSpare());
        sparkmagic("{\"local_warm_spare\": false}");
        assertFalse(load(Map.of()).localWarmSpare());
        assertTrue(load(Map.of("LIVY_KERNEL_WARM_SPARE", "on")).localWarmSpare(), "the environment wins");
    }

    @Test
    void livyUrlLocalSelectsEmbeddedEndpoint() {
        assertTrue(load(Map.of("LIVY_URL", "local")).usesLocalEndpoint());
    }

    @Test
    void readsSparkmagicCredentialsAndSessionConfigs() throws IOException {
        sparkmagic("""
                {"kernel_python_credentials": {"username": "bob", "base64_password": "cGFzcw==", "url": "http://livy:8998/", "auth": "Basic_Access"},
                 "session_configs_defaults": {"conf": {"spark.a": "1", "spark.b": "2"}, "proxyUser": "bob"},
                 "session_configs": {"driverMemory": "2g", "conf": {"spark.b": "3"}},
                 "livy_server_heartbeat_timeout_seconds": 0,
                 "custom_headers": {"X-Token": "t"}}
                """);
        KernelConfig c = load(Map.of());
        assertEquals("http://livy:8998", c.livyUrl());
        assertEquals("bob", c.username());
        assertEquals("pass", c.password());
        assertEquals("Basic_Access", c.auth());
        assertEquals(0, c.heartbeatTimeoutSeconds());
        assertEquals("t", c.customHeaders().get("X-Token"));
        assertEquals("2g", c.sessionConfigs().get("driverMemory"));
        assertEquals("bob", c.sessionConfigs().get("proxyUser"));
        assertEquals(Map.of("spark.a", "1", "spark.b", "3"), c.sessionConfigs().get("conf"));
    }

    @Test
    void ownFileOverridesSparkmagicAndEnvironmentOverridesBoth() throws IOException {
        sparkmagic("{\"kernel_python_credentials\": {\"url\": \"http://a:8998\", \"username\": \"u\", \"password\": \"p\"}}");
        Path own = home.resolve("own.json");
        Files.writeString(own, "{\"kernel_python_credentials\": {\"url\": \"http://b:8998\"}, \"livy_session_startup_timeout_seconds\": 42}");
        Map<String, String> env = new HashMap<>(Map.of("LIVY_KERNEL_CONFIG", own.toString()));
        KernelConfig c = load(env);
        assertEquals("http://b:8998", c.livyUrl());
        assertEquals("u", c.username(), "credential fields merge field by field");
        assertEquals(42, c.sessionStartupTimeout().toSeconds());
        env.put("LIVY_URL", "https://c:8443");
        assertEquals("https://c:8443", load(env).livyUrl());
    }

    @Test
    void malformedFileIsReportedAndSkipped() throws IOException {
        sparkmagic("{\"kernel_python_credentials\": {\"url\": \"http://a:8998\",}");
        KernelConfig c = load(Map.of());
        assertTrue(c.usesLocalEndpoint());
        assertEquals(1, c.configProblems().size());
        String problem = c.configProblems().get(0);
        assertTrue(problem.contains("config.json is not valid JSON"), problem);
        assertTrue(problem.contains("line 1"), problem);
    }

    @Test
    void badNumberIsReportedWithDefaultKept() throws IOException {
        sparkmagic("{\"livy_session_startup_timeout_seconds\": \"soon\"}");
        KernelConfig c = load(Map.of());
        assertEquals(180, c.sessionStartupTimeout().toSeconds());
        assertTrue(c.configProblems().get(0).contains("soon"));
    }

    @Test
    void pythonForLocalEndpointPrefersKernelVariable() {
        assertEquals("/k/python", load(Map.of("LIVY_KERNEL_PYTHON", "/k/python", "PYSPARK_PYTHON", "/p")).localPython());
        assertEquals("/p", load(Map.of("PYSPARK_PYTHON", "/p", "LIVY_KERNEL_DEFAULT_PYTHON", "/d")).localPython());
        assertEquals("/d", load(Map.of("LIVY_KERNEL_DEFAULT_PYTHON", "/d")).localPython());
    }

    @Test
    void localKernelPythonHasItsOwnKeyAndDefaultsToTheVenvPython() throws IOException {
        assertEquals("/d", load(Map.of("LIVY_KERNEL_DEFAULT_PYTHON", "/d", "PYSPARK_PYTHON", "/p")).localKernelPython());
        assertEquals("/p", load(Map.of("PYSPARK_PYTHON", "/p")).localKernelPython());
        sparkmagic("{\"local_kernel_python\": \"/file/python\"}");
        assertEquals("/file/python", load(Map.of("LIVY_KERNEL_DEFAULT_PYTHON", "/d")).localKernelPython());
        assertEquals("/env/python", load(Map.of("LIVY_KERNEL_LOCAL_PYTHON", "/env/python")).localKernelPython());
    }

    @Test
    void deepMergeMergesNestedConfKeyByKey() {
        Map<String, Object> merged = ConfigLoader.deepMerge(
                Map.of("conf", Map.of("x", "1", "y", "2"), "name", "a"),
                Map.of("conf", Map.of("y", "3")));
        assertEquals(Map.of("x", "1", "y", "3"), merged.get("conf"));
        assertEquals("a", merged.get("name"));
    }

    @Test
    void builderDefaultsAreWhatTheLoaderGivesWithNothingConfigured() {
        assertEquals(KernelConfig.builder().build(), load(Map.of()));
    }

    @Test
    void toBuilderChangesOnlyWhatItIsTold() {
        KernelConfig base = KernelConfig.builder().livyUrl("https://livy:8998").readTimeout(java.time.Duration.ofSeconds(7)).build();
        KernelConfig other = base.toBuilder().username("u").build();
        assertEquals("u", other.username());
        assertEquals(base.readTimeout(), other.readTimeout());
        assertEquals(base.livyUrl(), other.livyUrl());
        assertNull(base.username());
    }

    @Test
    void ignoreSslErrorsTurnsCertificateChecksOffOnlyForHttps() throws IOException {
        sparkmagic("""
                {"kernel_python_credentials": {"url": "https://livy:8998"}, "ignore_ssl_errors": true}
                """);
        KernelConfig c = load(Map.of());
        assertTrue(c.ignoreSslErrors());
        assertTrue(c.certificateChecksOff());
        assertFalse(load(Map.of("LIVY_URL", "http://livy:8998")).certificateChecksOff());
        assertFalse(load(Map.of("LIVY_URL", "local")).certificateChecksOff());
        assertFalse(KernelConfig.builder().livyUrl("https://livy:8998").build().certificateChecksOff());
    }

    @Test
    void tlsFilesComeFromCredentialsOrTopLevelWithTheEnvironmentOnTop() throws IOException {
        sparkmagic("""
                {"kernel_python_credentials": {"url": "https://livy:8998", "ca_bundle": "~/ca.pem",
                  "client_cert": "/etc/c.pem", "client_key_password": "file-pw"},
                 "client_key": "/etc/top.key", "client_cert": "/etc/ignored.pem"}
                """);
        KernelConfig c = load(Map.of());
        assertEquals(home + "/ca.pem", c.caBundle());
        assertEquals("/etc/c.pem", c.clientCert(), "the credentials block wins over the top level");
        assertEquals("/etc/top.key", c.clientKey());
        assertEquals("file-pw", c.clientKeyPassword());
        KernelConfig e = load(Map.of("LIVY_CA_BUNDLE", "/env/ca.pem", "LIVY_CLIENT_CERT", "/env/c.pem",
                "LIVY_CLIENT_KEY", "/env/k.pem", "LIVY_CLIENT_KEY_PASSWORD", "env-pw"));
        assertEquals("/env/ca.pem", e.caBundle());
        assertEquals("/env/c.pem", e.clientCert());
        assertEquals("/env/k.pem", e.clientKey());
        assertEquals("env-pw", e.clientKeyPassword());
        assertFalse(e.toString().contains("env-pw"), e.toString());
        assertNull(load(Map.of("SPARKMAGIC_CONF_DIR", home.resolve("none").toString())).caBundle());
    }
}
