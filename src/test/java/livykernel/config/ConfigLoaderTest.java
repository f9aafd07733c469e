package livykernel.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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
    void theSparkHistoryServerIsAnHttpUrlFromTheFileOrTheEnvironment() throws IOException {
        assertNull(load(Map.of()).sparkHistoryUrl());
        sparkmagic("{\"spark_history_server_url\": \"http://ip-10-0-0-1.ec2.internal:18080/\"}");
        assertEquals("http://ip-10-0-0-1.ec2.internal:18080", load(Map.of()).sparkHistoryUrl());
        assertEquals("https://history:18480", load(Map.of("LIVY_KERNEL_SPARK_HISTORY_URL", "https://history:18480")).sparkHistoryUrl(),
                "the environment wins");
        KernelConfig bad = load(Map.of("LIVY_KERNEL_SPARK_HISTORY_URL", "ip-10-0-0-1:18080"));
        assertNull(bad.sparkHistoryUrl());
        assertTrue(bad.configProblems().get(0).contains("spark_history_server_url 'ip-10-0-0-1:18080' is not an http(s) URL"),
                bad.configProblems().toString());
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
    void readsSparkmagicsKerberosConfigUnchanged() throws IOException {
        // as sparkmagic's example_config.json and its README write it
        sparkmagic("""
                {"kernel_python_credentials": {"username": "", "password": "", "url": "http://livy.corp:8998", "auth": "Kerberos"},
                 "authenticators": {"Kerberos": "sparkmagic.auth.kerberos.Kerberos", "None": "sparkmagic.auth.customauth.Authenticator",
                                    "Basic_Access": "sparkmagic.auth.basic.Basic"},
                 "kerberos_auth_configuration": {"mutual_authentication": 2, "service": "livy", "hostname_override": "gw.corp",
                                                 "principal": "alice@CORP"}}
                """);
        KernelConfig c = load(Map.of());
        assertTrue(c.usesKerberos());
        assertEquals(new KerberosSettings("alice@CORP", null, "livy", "gw.corp", KerberosSettings.Mutual.OPTIONAL), c.kerberos());
        assertEquals(List.of(), c.configProblems());
    }

    @Test
    void kerberosKeytabAndPrincipalComeFromTheFileOrTheEnvironment() throws IOException {
        sparkmagic("""
                {"kernel_python_credentials": {"url": "http://livy.corp:8998", "kerberos_principal": "svc@CORP",
                                               "kerberos_keytab": "~/svc.keytab"},
                 "kerberos_auth_configuration": {"mutual_authentication": "sometimes"}}
                """);
        KernelConfig c = load(Map.of());
        assertTrue(c.usesKerberos(), "a keytab without an auth key means Kerberos");
        assertEquals(home + "/svc.keytab", c.kerberos().keytab());
        assertEquals("svc@CORP", c.kerberos().principal());
        assertEquals("HTTP", c.kerberos().service());
        assertEquals(KerberosSettings.Mutual.REQUIRED, c.kerberos().mutual());
        assertTrue(c.configProblems().get(0).contains("mutual_authentication must be 1 (REQUIRED)"), c.configProblems().toString());
        KernelConfig e = load(Map.of("LIVY_KERBEROS_PRINCIPAL", "other@CORP", "LIVY_KERBEROS_KEYTAB", "/k"));
        assertEquals("other@CORP", e.kerberos().principal());
        assertEquals("/k", e.kerberos().keytab());
        assertFalse(load(Map.of("LIVY_AUTH", "None", "LIVY_KERBEROS_KEYTAB", "/k")).usesKerberos());
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

    /** As AWS's EMR Serverless docs write it for sparkmagic with the emr-serverless-customauth plug-in. */
    private static final String AWS_DOCS_CONFIG = """
            {
              "kernel_python_credentials" : {
                "username": "",
                "password": "",
                "url": "https://00fabcdefgh1234.livy.emr-serverless-services.us-east-1.amazonaws.com",
                "auth": "Custom_Auth"
              },
              "kernel_scala_credentials" : {
                "username": "",
                "password": "",
                "url": "https://00fabcdefgh1234.livy.emr-serverless-services.us-east-1.amazonaws.com",
                "auth": "Custom_Auth"
              },
              "authenticators": {
                "None": "sparkmagic.auth.customauth.Authenticator",
                "Basic_Access": "sparkmagic.auth.basic.Basic",
                "Custom_Auth": "emr_serverless_customauth.customauthenticator.EMRServerlessCustomSigV4Signer"
              },
              "livy_session_startup_timeout_seconds": 600,
              "ignore_ssl_errors": false
            }
            """;
    private static final String ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRuntimeRole";

    @Test
    void awsDocsSparkmagicConfigForEmrServerlessSelectsSigV4Unchanged() throws IOException {
        sparkmagic(AWS_DOCS_CONFIG);
        KernelConfig c = load(Map.of());
        assertTrue(c.configProblems().isEmpty(), c.configProblems().toString());
        assertEquals(KernelConfig.AWS_SIGV4, c.auth());
        assertTrue(c.signsWithSigV4());
        assertEquals("https://00fabcdefgh1234.livy.emr-serverless-services.us-east-1.amazonaws.com", c.livyUrl());
        assertNull(c.username(), "empty strings are no Basic credentials");
        assertNull(c.password());
        assertEquals(java.time.Duration.ofSeconds(600), c.sessionStartupTimeout());
        assertEquals("emr-serverless", c.aws().signingService());
        assertEquals(Map.of(), c.sessionConfigs(), "no execution role anywhere: none invented");
    }

    @Test
    void anyAuthNameMappedToAwssSignerAndOurOwnNameSelectSigV4() throws IOException {
        sparkmagic("""
                {"kernel_python_credentials": {"url": "https://h.example", "auth": "Sagemaker_EMR_Serverless_Auth"},
                 "authenticators": {"Sagemaker_EMR_Serverless_Auth":
                   "sagemaker_studio_analytics_extension.external_dependencies.emr_serverless_auth.EMRServerlessCustomSigV4Signer"},
                 "aws_sigv4_service": "execute-api"}""");
        KernelConfig c = load(Map.of());
        assertEquals(KernelConfig.AWS_SIGV4, c.auth());
        assertEquals("execute-api", c.aws().signingService());
        assertEquals(KernelConfig.AWS_SIGV4, load(Map.of("LIVY_AUTH", "aws_sigv4")).auth());
        sparkmagic("{\"kernel_python_credentials\": {\"url\": \"https://h.example\", \"auth\": \"Custom_Auth\"},"
                + " \"authenticators\": {\"Custom_Auth\": \"my.company.Auth\"}}");
        assertEquals("Custom_Auth", load(Map.of()).auth(), "another custom authenticator is not SigV4");
        assertFalse(load(Map.of()).signsWithSigV4());
        assertFalse(KernelConfig.builder().auth(KernelConfig.AWS_SIGV4).build().signsWithSigV4(),
                "never for the embedded endpoint");
    }

    @Test
    @SuppressWarnings("unchecked")
    void executionRoleGoesIntoConfFromSessionConfigsElseTheConfigKeyElseTheEnvironment() throws IOException {
        sparkmagic(AWS_DOCS_CONFIG);
        Map<String, String> env = Map.of("EMR_SERVERLESS_SESSION_RUNTIME_ROLE_ARN", ROLE + "-env");
        Map<String, Object> conf = (Map<String, Object>) load(env).sessionConfigs().get("conf");
        assertEquals(Map.of("emr-serverless.session.executionRoleArn", ROLE + "-env"), conf);

        sparkmagic(AWS_DOCS_CONFIG.replace("\"ignore_ssl_errors\"",
                "\"emr-serverless.session.executionRoleArn\": \"" + ROLE + "-key\", \"ignore_ssl_errors\""));
        conf = (Map<String, Object>) load(env).sessionConfigs().get("conf");
        assertEquals(ROLE + "-key", conf.get("emr-serverless.session.executionRoleArn"), "the config key beats the env");

        sparkmagic(AWS_DOCS_CONFIG.replace("\"ignore_ssl_errors\"", "\"emr-serverless.session.executionRoleArn\": \""
                + ROLE + "-key\", \"session_configs\": {\"driverMemory\": \"4g\", \"conf\": {\"spark.x\": \"1\", "
                + "\"emr-serverless.session.executionRoleArn\": \"" + ROLE + "\"}}, \"ignore_ssl_errors\""));
        KernelConfig c = load(env);
        assertEquals(Map.of("spark.x", "1", "emr-serverless.session.executionRoleArn", ROLE), c.sessionConfigs().get("conf"));
        assertEquals("4g", c.sessionConfigs().get("driverMemory"));

        sparkmagic("{\"kernel_python_credentials\": {\"url\": \"http://livy:8998\"}}");
        assertEquals(Map.of(), load(env).sessionConfigs(), "no role for a Livy that is not signed for AWS");
    }

    @Test
    void proxyUserFromSessionConfigsThenProxyUserThenTheNotebookUserWhenTurnedOn() throws IOException {
        sparkmagic("{\"kernel_python_credentials\": {\"url\": \"http://livy:8998\"}}");
        Map<String, String> hub = Map.of("JUPYTERHUB_USER", "carol", "USER", "jovyan");
        assertNull(load(hub).sessionConfigs().get("proxyUser"), "off unless the admin turns it on");
        assertEquals("carol", load(Map.of("JUPYTERHUB_USER", "carol", "USER", "jovyan",
                "LIVY_KERNEL_PROXY_USER_FROM_NOTEBOOK_USER", "true")).sessionConfigs().get("proxyUser"));

        sparkmagic("{\"kernel_python_credentials\": {\"url\": \"http://livy:8998\"}, \"proxy_user_from_notebook_user\": true}");
        assertEquals("carol", load(hub).sessionConfigs().get("proxyUser"), "JupyterHub's user first");
        assertEquals("jovyan", load(Map.of("USER", "jovyan")).sessionConfigs().get("proxyUser"), "else the OS user");

        sparkmagic("{\"kernel_python_credentials\": {\"url\": \"http://livy:8998\", \"proxy_user\": \"etl\"},"
                + " \"proxy_user_from_notebook_user\": true}");
        assertEquals("etl", load(hub).sessionConfigs().get("proxyUser"));
        assertEquals("ops", load(Map.of("LIVY_PROXY_USER", "ops")).sessionConfigs().get("proxyUser"));

        sparkmagic("{\"kernel_python_credentials\": {\"url\": \"http://livy:8998\", \"proxy_user\": \"etl\"},"
                + " \"session_configs\": {\"proxyUser\": \"dave\"}}");
        assertEquals("dave", load(hub).sessionConfigs().get("proxyUser"), "sparkmagic's session_configs wins");
    }
}
