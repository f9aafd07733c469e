package livykernel.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The kernel's effective configuration, built once at start by {@link ConfigLoader}
 * from defaults, sparkmagic's config.json, the kernel's own file and the environment.
 * Made through {@link #builder()} or {@link #toBuilder()}, never positionally.
 *
 * @param livyUrl           Livy endpoint, or null for the embedded local endpoint
 * @param auth              "None", "Basic_Access", "Kerberos" (sparkmagic's names) or {@link #AWS_SIGV4}; other names are kept as configured
 * @param sessionConfigs    body of POST /sessions (defaults merged underneath), without kind
 * @param ignoreSslErrors   for an https Livy: trust any certificate and skip hostname checks
 * @param configProblems    readable descriptions of config files that could not be used
 * @param progressMode      "on", "off", "text" or "widget" as configured (parsed by the progress display), or null
 * @param sessionAutoRecreate when the session is found gone before a cell ran, start a new one and run the cell in it
 * @param caBundle          PEM file of CAs trusted besides the JDK's, or null
 * @param clientCert        PEM client certificate chain for https, or null
 * @param clientKey         PEM private key of {@code clientCert}, or null
 * @param clientKeyPassword password of an encrypted {@code clientKey}, or null
 * @param richResults       a cell's last expression with a rich form (a DataFrame, HTML…) shows as display() does;
 *                          false keeps Livy's plain repr, as sparkmagic shows it
 * @param sessionPrestart   create the session when the kernel starts; null: only for the embedded endpoint
 * @param sessionIdleKeepalive how long after the last cell the kernel keeps an idle session from Livy's idle
 *                          timeout ({@code livy.server.session.timeout}); zero: never, Livy's timeout applies
 * @param displayMaxRows    rows of a DataFrame that display() and a rich last expression show unless told {@code limit=}
 * @param displayMaxBytes   the largest display() bundle shown; a larger one is dropped with a note
 * @param maxOutputBytes    the most printed text of one statement shown (characters); the rest is cut with a note
 * @param aws               the EMR cluster and AWS access for the S3 archive of gone sessions' logs
 * @param localKernelPython the interpreter of the kernel's local Python (%%local, -o); null: python3
 * @param attachSessionId   a Livy session to attach to at the first cell instead of creating one (never deleted), or null
 * @param kerberos          the Kerberos login and Livy's principal, used when {@code auth} is "Kerberos"
 * @param localWarmSpare    the embedded endpoint keeps one warm spare driver for the next session and across a restart
 * @param sparkHistoryUrl   the Spark history server (EMR: {@code http://<primary>:18080}) for applications whose live
 *                          UI is gone, or null
 */
public record KernelConfig(
        String livyUrl,
        String auth,
        String username,
        String password,
        Map<String, Object> sessionConfigs,
        Map<String, String> customHeaders,
        int heartbeatTimeoutSeconds,
        Duration sessionStartupTimeout,
        Duration connectTimeout,
        Duration readTimeout,
        boolean ignoreSslErrors,
        String localPython,
        List<String> configProblems,
        String progressMode,
        boolean sessionAutoRecreate,
        String caBundle,
        String clientCert,
        String clientKey,
        String clientKeyPassword,
        boolean richResults,
        Boolean sessionPrestart,
        Duration sessionIdleKeepalive,
        int displayMaxRows,
        int displayMaxBytes,
        int maxOutputBytes,
        AwsSettings aws,
        String localKernelPython,
        Integer attachSessionId,
        KerberosSettings kerberos,
        boolean localWarmSpare,
        String sparkHistoryUrl) {

    /** The auth value for AWS Signature Version 4 (EMR Serverless), also what sparkmagic's AWS authenticator maps to. */
    public static final String AWS_SIGV4 = "AWS_SigV4";

    public KernelConfig {
        sessionConfigs = Map.copyOf(sessionConfigs);
        customHeaders = Map.copyOf(customHeaders);
        configProblems = List.copyOf(configProblems);
        kerberos = kerberos == null ? KerberosSettings.DEFAULT : kerberos;
    }

    /** True for sparkmagic's {@code auth: "Kerberos"} (SPNEGO) on a remote Livy; the embedded endpoint has its own auth. */
    public boolean usesKerberos() {
        return "Kerberos".equalsIgnoreCase(auth) && livyUrl != null;
    }

    /** Leaves the password and key password out: records print every component otherwise. */
    @Override
    public String toString() {
        return "KernelConfig[livyUrl=" + livyUrl + ", auth=" + auth + ", username=" + username
                + ", caBundle=" + caBundle + ", clientCert=" + clientCert + ", clientKey=" + clientKey + "]";
    }

    /** A builder holding the built-in defaults, the lowest layer of the loader's precedence. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when every request to the configured Livy is signed with AWS SigV4. */
    public boolean signsWithSigV4() {
        return AWS_SIGV4.equals(auth) && !usesLocalEndpoint();
    }

    /** True when the kernel should start and use its embedded Livy-compatible endpoint. */
    public boolean usesLocalEndpoint() {
        return livyUrl == null;
    }

    /**
     * Whether the kernel creates its session as soon as it starts. Off by default for a remote
     * Livy: on a shared cluster a session holds YARN resources even for a notebook opened only to read.
     */
    public boolean prestartsSession() {
        return sessionPrestart != null ? sessionPrestart : usesLocalEndpoint();
    }

    /**
     * True when {@code ignore_ssl_errors} actually switches certificate checks off, so that
     * {@code %%info} can warn: it does nothing for http or the embedded endpoint.
     */
    public boolean certificateChecksOff() {
        return ignoreSslErrors && livyUrl != null && livyUrl.regionMatches(true, 0, "https:", 0, 6);
    }

    /** Collects the settings of a {@link KernelConfig}; unset ones keep the built-in defaults. */
    public static final class Builder {
        private String livyUrl;
        private String auth = "None";
        private String username;
        private String password;
        private Map<String, Object> sessionConfigs = Map.of();
        private Map<String, String> customHeaders = Map.of();
        private int heartbeatTimeoutSeconds = 60;
        private Duration sessionStartupTimeout = Duration.ofSeconds(180);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private boolean ignoreSslErrors;
        private String localPython;
        private List<String> configProblems = List.of();
        private String progressMode;
        private boolean sessionAutoRecreate = true;
        private boolean richResults = true;
        private String caBundle;
        private String clientCert;
        private String clientKey;
        private String clientKeyPassword;
        private Boolean sessionPrestart;
        private Duration sessionIdleKeepalive = Duration.ZERO;
        private int displayMaxRows = 20;
        private int displayMaxBytes = 5 * 1024 * 1024;
        private int maxOutputBytes = 10 * 1024 * 1024;
        private AwsSettings aws = AwsSettings.NONE;
        private String localKernelPython;
        private Integer attachSessionId;
        private KerberosSettings kerberos = KerberosSettings.DEFAULT;
        private boolean localWarmSpare = true;
        private String sparkHistoryUrl;

        private Builder() {
        }

        private Builder(KernelConfig c) {
            livyUrl = c.livyUrl;
            auth = c.auth;
            username = c.username;
            password = c.password;
            sessionConfigs = c.sessionConfigs;
            customHeaders = c.customHeaders;
            heartbeatTimeoutSeconds = c.heartbeatTimeoutSeconds;
            sessionStartupTimeout = c.sessionStartupTimeout;
            connectTimeout = c.connectTimeout;
            readTimeout = c.readTimeout;
            ignoreSslErrors = c.ignoreSslErrors;
            localPython = c.localPython;
            configProblems = c.configProblems;
            progressMode = c.progressMode;
            sessionAutoRecreate = c.sessionAutoRecreate;
            richResults = c.richResults;
            caBundle = c.caBundle;
            clientCert = c.clientCert;
            clientKey = c.clientKey;
            localKernelPython = c.localKernelPython;
            attachSessionId = c.attachSessionId;
            localWarmSpare = c.localWarmSpare;
            sparkHistoryUrl = c.sparkHistoryUrl;
            clientKeyPassword = c.clientKeyPassword;
            sessionPrestart = c.sessionPrestart;
            sessionIdleKeepalive = c.sessionIdleKeepalive;
            displayMaxRows = c.displayMaxRows;
            displayMaxBytes = c.displayMaxBytes;
            maxOutputBytes = c.maxOutputBytes;
            aws = c.aws;
            kerberos = c.kerberos;
        }

        /** Null selects the embedded local endpoint. */
        public Builder livyUrl(String v) {
            livyUrl = v;
            return this;
        }

        public Builder auth(String v) {
            auth = v;
            return this;
        }

        public Builder username(String v) {
            username = v;
            return this;
        }

        public Builder password(String v) {
            password = v;
            return this;
        }

        public Builder sessionConfigs(Map<String, Object> v) {
            sessionConfigs = v;
            return this;
        }

        public Builder customHeaders(Map<String, String> v) {
            customHeaders = v;
            return this;
        }

        public Builder heartbeatTimeoutSeconds(int v) {
            heartbeatTimeoutSeconds = v;
            return this;
        }

        public Builder sessionStartupTimeout(Duration v) {
            sessionStartupTimeout = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder readTimeout(Duration v) {
            readTimeout = v;
            return this;
        }

        public Builder ignoreSslErrors(boolean v) {
            ignoreSslErrors = v;
            return this;
        }

        public Builder localPython(String v) {
            localPython = v;
            return this;
        }

        /** The interpreter of the kernel's own local Python (%%local, -o); null: python3. */
        public Builder localKernelPython(String v) {
            localKernelPython = v;
            return this;
        }

        public Builder localWarmSpare(boolean v) {
            localWarmSpare = v;
            return this;
        }

        public Builder configProblems(List<String> v) {
            configProblems = v;
            return this;
        }

        public Builder progressMode(String v) {
            progressMode = v;
            return this;
        }

        public Builder sessionAutoRecreate(boolean v) {
            sessionAutoRecreate = v;
            return this;
        }

        public Builder richResults(boolean v) {
            richResults = v;
            return this;
        }

        public Builder caBundle(String v) {
            caBundle = v;
            return this;
        }

        public Builder clientCert(String v) {
            clientCert = v;
            return this;
        }

        public Builder clientKey(String v) {
            clientKey = v;
            return this;
        }

        public Builder clientKeyPassword(String v) {
            clientKeyPassword = v;
            return this;
        }

        /** Null: pre-start only on the embedded endpoint. */
        public Builder sessionPrestart(Boolean v) {
            sessionPrestart = v;
            return this;
        }

        /** Zero: off. */
        public Builder sessionIdleKeepalive(Duration v) {
            sessionIdleKeepalive = v;
            return this;
        }

        public Builder displayMaxRows(int v) {
            displayMaxRows = v;
            return this;
        }

        public Builder displayMaxBytes(int v) {
            displayMaxBytes = v;
            return this;
        }

        public Builder maxOutputBytes(int v) {
            maxOutputBytes = v;
            return this;
        }

        /** Null: the kernel creates its own session. */
        public Builder attachSessionId(Integer v) {
            attachSessionId = v;
            return this;
        }

        public Builder aws(AwsSettings v) {
            aws = v;
            return this;
        }

        public Builder kerberos(KerberosSettings v) {
            kerberos = v;
            return this;
        }

        /** Null: no history server. */
        public Builder sparkHistoryUrl(String v) {
            sparkHistoryUrl = v;
            return this;
        }

        public KernelConfig build() {
            return new KernelConfig(livyUrl, auth, username, password, sessionConfigs, customHeaders,
                    heartbeatTimeoutSeconds, sessionStartupTimeout, connectTimeout, readTimeout,
                    ignoreSslErrors, localPython, configProblems, progressMode, sessionAutoRecreate,
                    caBundle, clientCert, clientKey, clientKeyPassword, richResults, sessionPrestart,
                    sessionIdleKeepalive, displayMaxRows, displayMaxBytes, maxOutputBytes, aws,
                    localKernelPython, attachSessionId, kerberos, localWarmSpare, sparkHistoryUrl);
        }
    }
}
