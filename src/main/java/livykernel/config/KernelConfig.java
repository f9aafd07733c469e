package livykernel.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The kernel's effective configuration, built once at start by {@link ConfigLoader}
 * from defaults, sparkmagic's config.json, the kernel's own file and the environment.
 *
 * @param livyUrl           Livy endpoint, or null for the embedded local endpoint
 * @param auth              "None" or "Basic_Access"
 * @param sessionConfigs    body of POST /sessions (defaults merged underneath), without kind
 * @param configProblems    readable descriptions of config files that could not be used
 * @param progressMode      "on", "off", "text" or "widget" as configured (parsed by the progress display), or null
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
        String progressMode) {

    /** Without a progress mode (the kernel's default applies). */
    public KernelConfig(String livyUrl, String auth, String username, String password, Map<String, Object> sessionConfigs,
                        Map<String, String> customHeaders, int heartbeatTimeoutSeconds, Duration sessionStartupTimeout,
                        Duration connectTimeout, Duration readTimeout, boolean ignoreSslErrors, String localPython,
                        List<String> configProblems) {
        this(livyUrl, auth, username, password, sessionConfigs, customHeaders, heartbeatTimeoutSeconds,
                sessionStartupTimeout, connectTimeout, readTimeout, ignoreSslErrors, localPython, configProblems, null);
    }

    public KernelConfig {
        sessionConfigs = Map.copyOf(sessionConfigs);
        customHeaders = Map.copyOf(customHeaders);
        configProblems = List.copyOf(configProblems);
    }

    /** True when the kernel should start and use its embedded Livy-compatible endpoint. */
    public boolean usesLocalEndpoint() {
        return livyUrl == null;
    }

    /** Builds a copy with a different endpoint and credentials (used for the embedded endpoint). */
    public KernelConfig withEndpoint(String url, String auth, String username, String password) {
        return new KernelConfig(url, auth, username, password, sessionConfigs, customHeaders,
                heartbeatTimeoutSeconds, sessionStartupTimeout, connectTimeout, readTimeout,
                ignoreSslErrors, localPython, configProblems, progressMode);
    }

    /** Builds a copy with other session configs (for %%configure). */
    public KernelConfig withSessionConfigs(Map<String, Object> configs) {
        return new KernelConfig(livyUrl, auth, username, password, configs, customHeaders,
                heartbeatTimeoutSeconds, sessionStartupTimeout, connectTimeout, readTimeout,
                ignoreSslErrors, localPython, configProblems, progressMode);
    }
}
