package livykernel.local;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the embedded Livy-compatible server. {@link #defaults()} reads the environment:
 * {@code LIVY_KERNEL_PYTHON}, else {@code PYSPARK_PYTHON}, else {@code python3} for the Python;
 * {@code LIVY_LOCAL_SESSION_TIMEOUT} and {@code LIVY_LOCAL_HEARTBEAT_INTERVAL} ("5s", "2m") for the timers;
 * {@code LIVY_KERNEL_SPARK_MASTER} for the sessions' master.
 *
 * @param host                  interface to bind; loopback unless the user asks otherwise
 * @param port                  0 picks a free port
 * @param auth                  HTTP Basic with user {@code livy} and a random password per start
 * @param python                interpreter that runs the REPL driver and must be able to import pyspark
 * @param sessionTimeout        idle timeout (Livy's {@code livy.server.session.timeout}); zero or negative disables it
 * @param heartbeatInterval     how often sessions with an expired heartbeat are reaped ({@code livy.server.heartbeat-watchdog.interval})
 * @param retainedStatements    statements kept per session ({@code livy.rsc.retained-statements})
 * @param deadSessionRetention  how long dead sessions stay listed ({@code livy.server.session.state-retain.sec})
 * @param sparkMaster           {@code spark.master} of a session whose request sets none (Livy's {@code livy.spark.master}):
 *                              {@code local[*]}, or {@code spark://host:port} for a standalone cluster
 * @param spare                 the warm spare driver (off for a standalone endpoint; the kernel turns it on)
 */
public record LocalLivyOptions(
        String host,
        int port,
        boolean auth,
        String python,
        Duration sessionTimeout,
        Duration heartbeatInterval,
        int retainedStatements,
        Duration deadSessionRetention,
        String sparkMaster,
        SpareSettings spare) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_SPARK_MASTER = "local[*]";

    public LocalLivyOptions {
        if (host == null || host.isBlank()) {
            host = DEFAULT_HOST;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (python == null || python.isBlank()) {
            python = "python3";
        }
        if (heartbeatInterval == null || heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
            heartbeatInterval = Duration.ofSeconds(60);
        }
        if (sessionTimeout == null) {
            sessionTimeout = Duration.ofHours(1);
        }
        if (retainedStatements <= 0) {
            retainedStatements = 100;
        }
        if (deadSessionRetention == null) {
            deadSessionRetention = Duration.ofSeconds(600);
        }
        if (sparkMaster == null || sparkMaster.isBlank()) {
            sparkMaster = DEFAULT_SPARK_MASTER;
        }
        sparkMaster = sparkMaster.strip();
        if (spare == null) {
            spare = SpareSettings.OFF;
        }
    }

    /** Defaults, with the environment of this process applied. */
    public static LocalLivyOptions defaults() {
        return fromEnvironment(System.getenv());
    }

    /** Defaults with the given environment applied (testable without touching the real one). */
    public static LocalLivyOptions fromEnvironment(Map<String, String> env) {
        String python = firstNonBlank(env.get("LIVY_KERNEL_PYTHON"), env.get("PYSPARK_PYTHON"), "python3");
        Duration timeout = env.containsKey("LIVY_LOCAL_SESSION_TIMEOUT")
                ? Durations.parse(env.get("LIVY_LOCAL_SESSION_TIMEOUT")) : Duration.ofHours(1);
        Duration heartbeat = env.containsKey("LIVY_LOCAL_HEARTBEAT_INTERVAL")
                ? Durations.parse(env.get("LIVY_LOCAL_HEARTBEAT_INTERVAL")) : Duration.ofSeconds(60);
        Duration lease = env.containsKey("LIVY_KERNEL_WARM_SPARE_LEASE")
                ? Durations.parse(env.get("LIVY_KERNEL_WARM_SPARE_LEASE")) : SpareSettings.DEFAULT_LEASE;
        return new LocalLivyOptions(DEFAULT_HOST, 0, true, python, timeout, heartbeat, 100, Duration.ofSeconds(600),
                env.get("LIVY_KERNEL_SPARK_MASTER"), SpareSettings.OFF.withLease(lease));
    }

    public static Builder builder() {
        return new Builder(defaults());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** Mutable builder starting from {@link #defaults()} or an existing value. */
    public static final class Builder {
        private String host;
        private int port;
        private boolean auth;
        private String python;
        private Duration sessionTimeout;
        private Duration heartbeatInterval;
        private int retainedStatements;
        private Duration deadSessionRetention;
        private String sparkMaster;
        private SpareSettings spare;

        private Builder(LocalLivyOptions o) {
            host = o.host;
            port = o.port;
            auth = o.auth;
            python = o.python;
            sessionTimeout = o.sessionTimeout;
            heartbeatInterval = o.heartbeatInterval;
            retainedStatements = o.retainedStatements;
            deadSessionRetention = o.deadSessionRetention;
            sparkMaster = o.sparkMaster;
            spare = o.spare;
        }

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder auth(boolean v) {
            auth = v;
            return this;
        }

        public Builder python(String v) {
            python = v;
            return this;
        }

        public Builder sessionTimeout(Duration v) {
            sessionTimeout = v;
            return this;
        }

        public Builder heartbeatInterval(Duration v) {
            heartbeatInterval = v;
            return this;
        }

        public Builder retainedStatements(int v) {
            retainedStatements = v;
            return this;
        }

        public Builder deadSessionRetention(Duration v) {
            deadSessionRetention = v;
            return this;
        }

        public Builder sparkMaster(String v) {
            sparkMaster = v;
            return this;
        }

        public Builder spare(SpareSettings v) {
            spare = v;
            return this;
        }

        public LocalLivyOptions build() {
            return new LocalLivyOptions(host, port, auth, python, sessionTimeout, heartbeatInterval,
                    retainedStatements, deadSessionRetention, sparkMaster, spare);
        }
    }
}
