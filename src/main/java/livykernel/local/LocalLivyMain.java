package livykernel.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Standalone mode: {@code java -jar livy-kernel.jar local-livy [--port N] [--host H] [--no-auth]
 * [--python PATH] [--session-timeout 1h] [--heartbeat-interval 60s] [--spark-master URL]}. Prints one JSON line with
 * url/username/password, then a human summary, and serves until SIGTERM or SIGINT.
 */
public final class LocalLivyMain {
    private LocalLivyMain() {
    }

    static final String USAGE = "usage: local-livy [--port N] [--host H] [--no-auth] [--python PATH] "
            + "[--session-timeout 1h] [--heartbeat-interval 60s] [--retained-statements 100] "
            + "[--spark-master local[*]|spark://HOST:PORT]";

    /** Parses the arguments after {@code local-livy} into options (defaults and environment first). */
    static LocalLivyOptions parse(String[] args) {
        LocalLivyOptions.Builder b = LocalLivyOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--no-auth" -> b.auth(false);
                case "--port" -> b.port(Integer.parseInt(value(args, ++i, a)));
                case "--host" -> b.host(value(args, ++i, a));
                case "--python" -> b.python(value(args, ++i, a));
                case "--session-timeout" -> b.sessionTimeout(Durations.parse(value(args, ++i, a)));
                case "--heartbeat-interval" -> b.heartbeatInterval(Durations.parse(value(args, ++i, a)));
                case "--retained-statements" -> b.retainedStatements(Integer.parseInt(value(args, ++i, a)));
                case "--spark-master" -> b.sparkMaster(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        return b.build();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** Runs the server until the JVM is asked to stop; returns the process exit code. */
    public static int run(String[] args) {
        LocalLivyOptions options;
        try {
            if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
                System.out.println(USAGE);
                return 0;
            }
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("local-livy: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        LocalLivyServer server;
        try {
            server = LocalLivyServer.start(options);
        } catch (Exception e) {
            System.err.println("local-livy: cannot start: " + e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and SIGINT run shutdown hooks: every Python and Spark process goes with us.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "local-livy-shutdown"));
        printBanner(server, System.out);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return 0;
    }

    private static void printBanner(LocalLivyServer server, PrintStream out) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("url", server.url());
        line.put("username", server.username());
        line.put("password", server.password());
        line.put("pid", ProcessHandle.current().pid());
        try {
            out.println(new ObjectMapper().writeValueAsString(line));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        out.println("Livy-compatible local endpoint listening on " + server.url());
        if (server.password() != null) {
            out.println("HTTP Basic credentials: user '" + server.username() + "', password '" + server.password() + "'");
            out.println("  curl -u " + server.username() + ":" + server.password() + " " + server.url() + "/sessions");
        } else {
            out.println("Authentication is off (--no-auth).");
        }
        out.println("Stop with Ctrl+C or SIGTERM; every Spark session stops with it.");
        out.flush();
    }
}
