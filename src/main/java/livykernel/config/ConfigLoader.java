package livykernel.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link KernelConfig}: built-in defaults, then {@code ~/.sparkmagic/config.json}
 * (so sparkmagic users change nothing), then the kernel's own file, then environment variables.
 * A broken file is reported in {@link KernelConfig#configProblems()} and skipped, never fatal.
 */
public final class ConfigLoader {

    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, String> env;
    private final Path home;

    public ConfigLoader(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public static KernelConfig fromEnvironment() {
        return new ConfigLoader(System.getenv(), home(System.getenv(), System.getProperty("user.home"))).load();
    }

    /**
     * The home directory as Python, Jupyter and sparkmagic see it: {@code $HOME} when set. The JVM's
     * {@code user.home} comes from the password database, which containers and JupyterHub spawners
     * often leave different from {@code $HOME} (or without an entry for the uid at all).
     */
    public static Path home(Map<String, String> env, String userHome) {
        String h = env.get("HOME");
        return Path.of(h != null && !h.isBlank() ? h : userHome);
    }

    public KernelConfig load() {
        List<String> problems = new ArrayList<>();
        ObjectNode merged = json.createObjectNode();
        sparkmagicFile().ifPresent(p -> overlay(merged, p, problems));
        ownFile().ifPresent(p -> overlay(merged, p, problems));

        JsonNode creds = merged.path("kernel_python_credentials");
        String url = text(creds, "url");
        String username = text(creds, "username");
        String password = text(creds, "password");
        String b64 = text(creds, "base64_password");
        if (b64 != null && !b64.isEmpty()) {
            try {
                password = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                problems.add("kernel_python_credentials.base64_password is not valid base64; it was ignored.");
            }
        }
        String auth = text(creds, "auth");

        // LIVY_URL wins over files; no URL anywhere (or "local") selects the embedded endpoint.
        String envUrl = env.get("LIVY_URL");
        if (envUrl != null && !envUrl.isBlank()) {
            url = envUrl.trim();
        }
        if (env.containsKey("LIVY_USERNAME")) username = env.get("LIVY_USERNAME");
        if (env.containsKey("LIVY_PASSWORD")) password = env.get("LIVY_PASSWORD");
        if (env.containsKey("LIVY_AUTH")) auth = env.get("LIVY_AUTH");
        if (url == null || url.isBlank() || url.equalsIgnoreCase("local")) {
            url = null;
        } else {
            url = url.replaceAll("/+$", "");
        }
        KerberosSettings kerberos = kerberos(creds, merged, problems);
        if (auth == null || auth.isBlank()) {
            auth = kerberos.keytab() != null ? "Kerberos"
                    : (isBlank(username) && isBlank(password)) ? "None" : "Basic_Access";
        }
        auth = canonicalAuth(auth.trim(), merged.path("authenticators"));

        Map<String, Object> sessionConfigs = deepMerge(
                toMap(merged.path("session_configs_defaults"), problems, "session_configs_defaults"),
                toMap(merged.path("session_configs"), problems, "session_configs"));
        sessionConfigs = withProxyUser(sessionConfigs, creds, merged, problems);
        if (auth.equals(KernelConfig.AWS_SIGV4)) {
            sessionConfigs = withExecutionRole(sessionConfigs, merged);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        merged.path("custom_headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));

        // The builder holds the defaults; a key present in a file or the environment overrides one.
        KernelConfig defaults = KernelConfig.builder().build();
        int heartbeat = intValue(merged, "livy_server_heartbeat_timeout_seconds", defaults.heartbeatTimeoutSeconds(), problems);
        int startup = intValue(merged, "livy_session_startup_timeout_seconds",
                (int) defaults.sessionStartupTimeout().toSeconds(), problems);
        if (env.containsKey("LIVY_SESSION_STARTUP_TIMEOUT")) {
            startup = parseInt(env.get("LIVY_SESSION_STARTUP_TIMEOUT"), startup, problems, "LIVY_SESSION_STARTUP_TIMEOUT");
        }
        int connect = intValue(merged, "http_connect_timeout_seconds", (int) defaults.connectTimeout().toSeconds(), problems);
        int read = intValue(merged, "http_read_timeout_seconds", (int) defaults.readTimeout().toSeconds(), problems);
        boolean ignoreSsl = merged.path("ignore_ssl_errors").asBoolean(defaults.ignoreSslErrors());

        String python = firstNonBlank(env.get("LIVY_KERNEL_PYTHON"), text(merged, "local_python"),
                env.get("PYSPARK_PYTHON"), env.get("LIVY_KERNEL_DEFAULT_PYTHON"));
        // Its own key: the local Python needs ipykernel, the endpoint's needs PySpark; by default the same venv.
        String localKernelPython = firstNonBlank(env.get("LIVY_KERNEL_LOCAL_PYTHON"), text(merged, "local_kernel_python"),
                env.get("LIVY_KERNEL_DEFAULT_PYTHON"), python);

        String progress = firstNonBlank(env.get("LIVY_KERNEL_PROGRESS"), text(merged, "progress_mode"));
        boolean autoRecreate = merged.path("session_auto_recreate").asBoolean(defaults.sessionAutoRecreate());
        if (env.containsKey("LIVY_KERNEL_SESSION_AUTO_RECREATE")) {
            autoRecreate = parseBoolean(env.get("LIVY_KERNEL_SESSION_AUTO_RECREATE"), autoRecreate, problems,
                    "LIVY_KERNEL_SESSION_AUTO_RECREATE");
        }

        boolean richResults = merged.path("rich_results").asBoolean(defaults.richResults());
        if (env.containsKey("LIVY_KERNEL_RICH_RESULTS")) {
            richResults = parseBoolean(env.get("LIVY_KERNEL_RICH_RESULTS"), richResults, problems,
                    "LIVY_KERNEL_RICH_RESULTS");
        }

        JsonNode prestartNode = merged.path("session_prestart");
        Boolean prestart = prestartNode.isBoolean() ? Boolean.valueOf(prestartNode.asBoolean()) : null;
        if (env.containsKey("LIVY_KERNEL_SESSION_PRESTART")) {
            prestart = parseBoolean(env.get("LIVY_KERNEL_SESSION_PRESTART"), prestart != null ? prestart : url == null,
                    problems, "LIVY_KERNEL_SESSION_PRESTART");
        }

        boolean warmSpare = merged.path("local_warm_spare").asBoolean(defaults.localWarmSpare());
        if (env.containsKey("LIVY_KERNEL_WARM_SPARE")) {
            warmSpare = parseBoolean(env.get("LIVY_KERNEL_WARM_SPARE"), warmSpare, problems, "LIVY_KERNEL_WARM_SPARE");
        }

        Duration idleKeepalive = defaults.sessionIdleKeepalive();
        if (merged.path("session_idle_keepalive").isValueNode()) {
            idleKeepalive = parseKeepalive(merged.path("session_idle_keepalive").asText(), idleKeepalive, problems);
        }
        if (env.containsKey("LIVY_KERNEL_SESSION_IDLE_KEEPALIVE")) {
            idleKeepalive = parseKeepalive(env.get("LIVY_KERNEL_SESSION_IDLE_KEEPALIVE"), idleKeepalive, problems);
        }

        int displayRows = intSetting(merged, env, "display_max_rows", "LIVY_KERNEL_DISPLAY_MAX_ROWS",
                defaults.displayMaxRows(), 1, problems);
        int displayBytes = intSetting(merged, env, "display_max_bytes", "LIVY_KERNEL_DISPLAY_MAX_BYTES",
                defaults.displayMaxBytes(), 1024, problems);
        int outputBytes = intSetting(merged, env, "max_output_bytes", "LIVY_KERNEL_MAX_OUTPUT_BYTES",
                defaults.maxOutputBytes(), 1024, problems);
        int attachTo = intSetting(merged, env, "attach_session_id", "LIVY_KERNEL_ATTACH_SESSION", -1, -1, problems);

        // TLS files sit with the other endpoint keys in kernel_python_credentials; top-level works too.
        String caBundle = tlsSetting(creds, merged, "ca_bundle", "LIVY_CA_BUNDLE");
        String clientCert = tlsSetting(creds, merged, "client_cert", "LIVY_CLIENT_CERT");
        String clientKey = tlsSetting(creds, merged, "client_key", "LIVY_CLIENT_KEY");
        String keyPassword = firstNonBlank(env.get("LIVY_CLIENT_KEY_PASSWORD"), text(creds, "client_key_password"),
                text(merged, "client_key_password"));

        AwsSettings aws = new AwsSettings(
                firstNonBlank(env.get("LIVY_KERNEL_EMR_CLUSTER_ID"), text(merged, "emr_cluster_id")),
                text(merged, "aws_region"), text(merged, "aws_profile"), text(merged, "aws_endpoint_url"),
                firstNonBlank(text(merged, "aws_sigv4_service"), AwsSettings.EMR_SERVERLESS));

        return defaults.toBuilder()
                .livyUrl(url)
                .auth(auth)
                .username(emptyToNull(username))
                .password(emptyToNull(password))
                .sessionConfigs(sessionConfigs)
                .customHeaders(headers)
                .heartbeatTimeoutSeconds(heartbeat)
                .sessionStartupTimeout(Duration.ofSeconds(startup))
                .connectTimeout(Duration.ofSeconds(connect))
                .readTimeout(Duration.ofSeconds(read))
                .ignoreSslErrors(ignoreSsl)
                .localPython(python)
                .localKernelPython(localKernelPython)
                .configProblems(problems)
                .progressMode(progress)
                .sessionAutoRecreate(autoRecreate)
                .richResults(richResults)
                .caBundle(caBundle)
                .clientCert(clientCert)
                .clientKey(clientKey)
                .clientKeyPassword(keyPassword)
                .sessionPrestart(prestart)
                .sessionIdleKeepalive(idleKeepalive)
                .displayMaxRows(displayRows)
                .displayMaxBytes(displayBytes)
                .maxOutputBytes(outputBytes)
                .aws(aws)
                .attachSessionId(attachTo < 0 ? null : attachTo)
                .kerberos(kerberos)
                .localWarmSpare(warmSpare)
                .sparkHistoryUrl(historyUrl(firstNonBlank(env.get("LIVY_KERNEL_SPARK_HISTORY_URL"),
                        text(merged, "spark_history_server_url")), problems))
                .build();
    }

    /** The class name AWS's sparkmagic authenticator for EMR Serverless is registered with in {@code authenticators}. */
    static final String EMR_SERVERLESS_SIGNER = "EMRServerlessCustomSigV4Signer";
    /** Where sparkmagic users of EMR Serverless put the session's execution role. */
    public static final String EXECUTION_ROLE_KEY = "emr-serverless.session.executionRoleArn";
    static final String EXECUTION_ROLE_ENV = "EMR_SERVERLESS_SESSION_RUNTIME_ROLE_ARN";

    /**
     * {@code AWS_SigV4} for our own name and for any name (AWS's docs write {@code Custom_Auth},
     * SageMaker others) that {@code authenticators} maps to AWS's EMR Serverless signer class, so
     * that a config.json written for sparkmagic works unchanged; other names stay as they are.
     */
    static String canonicalAuth(String auth, JsonNode authenticators) {
        if (auth.equalsIgnoreCase(KernelConfig.AWS_SIGV4) || auth.equalsIgnoreCase("SigV4")) {
            return KernelConfig.AWS_SIGV4;
        }
        String implementation = text(authenticators, auth);
        return implementation != null && implementation.contains(EMR_SERVERLESS_SIGNER) ? KernelConfig.AWS_SIGV4 : auth;
    }

    /**
     * Livy's {@code proxyUser} (impersonation): one set in session_configs (as sparkmagic users do)
     * wins, then {@code proxy_user}, then, when the admin turns {@code proxy_user_from_notebook_user}
     * on, the notebook's user: JupyterHub's, else the OS user's.
     */
    private Map<String, Object> withProxyUser(Map<String, Object> sessionConfigs, JsonNode creds, JsonNode root,
                                              List<String> problems) {
        if (sessionConfigs.get("proxyUser") instanceof String s && !s.isBlank()) {
            return sessionConfigs;
        }
        String user = firstNonBlank(env.get("LIVY_PROXY_USER"), text(creds, "proxy_user"), text(root, "proxy_user"));
        if (user == null) {
            boolean fromNotebook = root.path("proxy_user_from_notebook_user").asBoolean(false);
            if (env.containsKey("LIVY_KERNEL_PROXY_USER_FROM_NOTEBOOK_USER")) {
                fromNotebook = parseBoolean(env.get("LIVY_KERNEL_PROXY_USER_FROM_NOTEBOOK_USER"), fromNotebook, problems,
                        "LIVY_KERNEL_PROXY_USER_FROM_NOTEBOOK_USER");
            }
            if (fromNotebook) {
                user = firstNonBlank(env.get("JUPYTERHUB_USER"), env.get("USER"), env.get("LOGNAME"),
                        System.getProperty("user.name"));
            }
        }
        if (user == null) {
            return sessionConfigs;
        }
        Map<String, Object> out = new LinkedHashMap<>(sessionConfigs);
        out.put("proxyUser", user.trim());
        return out;
    }

    /**
     * EMR Serverless runs a session as its execution role: one in session_configs' conf (or later
     * %%configure's) wins, then the top-level key AWS's authenticator reads from config.json, then
     * {@code EMR_SERVERLESS_SESSION_RUNTIME_ROLE_ARN}.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> withExecutionRole(Map<String, Object> sessionConfigs, JsonNode root) {
        Map<String, Object> conf = sessionConfigs.get("conf") instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        if (conf.get(EXECUTION_ROLE_KEY) instanceof String s && !s.isBlank()) {
            return sessionConfigs;
        }
        String role = firstNonBlank(text(root, EXECUTION_ROLE_KEY), env.get(EXECUTION_ROLE_ENV));
        if (role == null) {
            return sessionConfigs;
        }
        conf.put(EXECUTION_ROLE_KEY, role.trim());
        Map<String, Object> out = new LinkedHashMap<>(sessionConfigs);
        out.put("conf", conf);
        return out;
    }

    /**
     * sparkmagic's {@code kerberos_auth_configuration} (requests-kerberos' arguments: principal, service,
     * hostname_override, mutual_authentication), under our own {@code kerberos_principal} and
     * {@code kerberos_keytab} (credentials block or top level) and the environment.
     */
    private KerberosSettings kerberos(JsonNode creds, JsonNode root, List<String> problems) {
        JsonNode kac = root.path("kerberos_auth_configuration");
        String principal = firstNonBlank(env.get("LIVY_KERBEROS_PRINCIPAL"), text(creds, "kerberos_principal"),
                text(root, "kerberos_principal"), text(kac, "principal"));
        String keytab = tlsSetting(creds, root, "kerberos_keytab", "LIVY_KERBEROS_KEYTAB");
        String mutualText = text(kac, "mutual_authentication");
        KerberosSettings.Mutual mutual = KerberosSettings.mutual(mutualText);
        if (mutualText != null && mutual == null) {
            problems.add("kerberos_auth_configuration.mutual_authentication must be 1 (REQUIRED), 2 (OPTIONAL) or"
                    + " 3 (DISABLED), not '" + mutualText + "'; using REQUIRED.");
        }
        return new KerberosSettings(emptyToNull(principal), keytab, text(kac, "service"),
                emptyToNull(text(kac, "hostname_override")), mutual);
    }

    /** A file path from the environment, the credentials block or the top level, with {@code ~} expanded. */
    private String tlsSetting(JsonNode creds, JsonNode root, String key, String envVar) {
        String v = firstNonBlank(env.get(envVar), text(creds, key), text(root, key));
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.equals("~") || v.startsWith("~/") ? home + v.substring(1) : v;
    }

    private java.util.Optional<Path> sparkmagicFile() {
        String dir = env.getOrDefault("SPARKMAGIC_CONF_DIR", home.resolve(".sparkmagic").toString());
        String name = env.getOrDefault("SPARKMAGIC_CONF_FILE", "config.json");
        return existing(Path.of(dir.replaceFirst("^~", home.toString())).resolve(name));
    }

    private java.util.Optional<Path> ownFile() {
        String explicit = env.get("LIVY_KERNEL_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return java.util.Optional.of(Path.of(explicit));
        }
        return existing(home.resolve(".livy-kernel").resolve("config.json"));
    }

    private static java.util.Optional<Path> existing(Path p) {
        return Files.isRegularFile(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
    }

    /** Top-level keys replace earlier ones, as in sparkmagic; credentials merge field by field. */
    private void overlay(ObjectNode target, Path file, List<String> problems) {
        String content;
        try {
            content = Files.readString(file);
        } catch (IOException e) {
            problems.add("Could not read config file " + file + ": " + e.getMessage() + ". It was ignored.");
            return;
        }
        if (content.isBlank()) {
            return;
        }
        JsonNode node;
        try {
            node = json.readTree(content);
        } catch (JsonProcessingException e) {
            problems.add("Config file " + file + " is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage()
                    + "). It was ignored; fix it and restart the kernel.");
            return;
        }
        if (!node.isObject()) {
            problems.add("Config file " + file + " must hold a JSON object. It was ignored.");
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("kernel_python_credentials") && e.getValue().isObject()
                    && target.path("kernel_python_credentials").isObject()) {
                ((ObjectNode) target.get("kernel_python_credentials")).setAll((ObjectNode) e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private Map<String, Object> toMap(JsonNode node, List<String> problems, String key) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            problems.add(key + " must be a JSON object; it was ignored.");
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = json.convertValue(node, LinkedHashMap.class);
        return m;
    }

    /** Merges {@code top} over {@code base}; nested objects (like "conf") merge key by key. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> top) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        top.forEach((k, v) -> {
            Object old = out.get(k);
            if (old instanceof Map && v instanceof Map) {
                out.put(k, deepMerge((Map<String, Object>) old, (Map<String, Object>) v));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private int intValue(JsonNode root, String key, int dflt, List<String> problems) {
        JsonNode n = root.path(key);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.canConvertToInt()) {
            return n.asInt();
        }
        return parseInt(n.asText(), dflt, problems, key);
    }

    private static int parseInt(String s, int dflt, List<String> problems, String key) {
        try {
            return (int) Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            problems.add(key + " must be a number of seconds, not '" + s + "'; using " + dflt + ".");
            return dflt;
        }
    }

    /** A whole number of at least {@code min} from the file, then the environment; a bad one is reported and ignored. */
    private static int intSetting(JsonNode merged, Map<String, String> env, String key, String envKey, int dflt, int min,
                                  List<String> problems) {
        int value = dflt;
        JsonNode node = merged.path(key);
        if (node.isValueNode() && !node.isNull()) {
            value = parseInt(node.asText(), value, min, key, problems);
        }
        if (env.containsKey(envKey)) {
            value = parseInt(env.get(envKey), value, min, envKey, problems);
        }
        return value;
    }

    private static int parseInt(String s, int dflt, int min, String key, List<String> problems) {
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(key + " must be a whole number of at least " + min + ", not '" + s + "'. It was ignored.");
        return dflt;
    }

    /** "8h", "90m", "3600s", "1d" (a bare number is seconds); "off"/"false"/"0": never; "on"/"true": 8 hours. */
    static Duration parseKeepalive(String s, Duration dflt, List<String> problems) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "off", "false", "no", "0", "" -> {
                return Duration.ZERO;
            }
            case "on", "true", "yes" -> {
                return Duration.ofHours(8);
            }
            default -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(s|m|h|d)?").matcher(v);
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    return switch (m.group(2) == null ? "s" : m.group(2)) {
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofSeconds(n);
                    };
                }
                problems.add("session_idle_keepalive must be a duration such as 8h or 90m, or off, not '" + s
                        + "'. It was ignored.");
                return dflt;
            }
        }
    }

    private static boolean parseBoolean(String s, boolean dflt, List<String> problems, String key) {
        String v = s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "true", "1", "yes", "on" -> {
                return true;
            }
            case "false", "0", "no", "off" -> {
                return false;
            }
            default -> {
                problems.add(key + " must be true or false, not '" + s + "'. It was ignored.");
                return dflt;
            }
        }
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.path(key);
        return v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return isBlank(s) ? null : s;
    }

    /** An http(s) URL without its trailing slashes; anything else is a config problem and no history server. */
    private static String historyUrl(String url, List<String> problems) {
        if (url == null) {
            return null;
        }
        try {
            java.net.URI u = new java.net.URI(url.strip());
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return url.strip().replaceAll("/+$", "");
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        problems.add("spark_history_server_url '" + url + "' is not an http(s) URL such as http://<primary-node>:18080; "
                + "no Spark history server is used.");
        return null;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (!isBlank(v)) {
                return v;
            }
        }
        return null;
    }
}
