package livykernel.local;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Livy-compatible REST server: interactive PySpark sessions in local mode, each a
 * Python process running our REPL driver. Start it with {@link #start(LocalLivyOptions)}, talk to
 * {@link #url()} with {@link #username()}/{@link #password()} over HTTP Basic, and {@link #close()} it.
 */
public final class LocalLivyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalLivyServer.class);
    public static final String USERNAME = "livy";
    private static final String DRIVER_RESOURCE = "/livykernel/local/livy_repl_driver.py";

    private final LocalLivyOptions options;
    private final HttpServer http;
    private final ExecutorService handlers;
    private final ScheduledExecutorService reapers;
    private final SessionRegistry registry;
    private final WarmSpare spare;
    private final Path driverScript;
    private final String password;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalLivyServer(LocalLivyOptions options, HttpServer http, ExecutorService handlers,
                            ScheduledExecutorService reapers, SessionRegistry registry, WarmSpare spare,
                            Path driverScript, String password) {
        this.options = options;
        this.http = http;
        this.handlers = handlers;
        this.reapers = reapers;
        this.registry = registry;
        this.spare = spare;
        this.driverScript = driverScript;
        this.password = password;
    }

    /** Binds, starts serving and starts the reapers; an I/O failure (port taken…) is an UncheckedIOException. */
    public static LocalLivyServer start(LocalLivyOptions options) {
        try {
            return startChecked(options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local Livy endpoint: " + e.getMessage(), e);
        }
    }

    private static LocalLivyServer startChecked(LocalLivyOptions options) throws IOException {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
        // delayed ACK: every response took ~40 ms. Read once, when the server classes load.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path script = extractDriver();
        String password = options.auth() ? randomSecret() : null;
        WarmSpare spare = new WarmSpare(options.spare(), options.python(), script);
        spare.adoptHandedOff();
        SessionRegistry registry = new SessionRegistry(options, script, spare);
        HttpServer http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        HttpContext ctx = http.createContext("/", new LivyRoutes(registry));
        if (password != null) {
            ctx.setAuthenticator(new SecretAuthenticator(password));
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService handlers = Executors.newCachedThreadPool(r -> daemon(r, "livy-local-http-" + n.incrementAndGet()));
        http.setExecutor(handlers);
        ScheduledExecutorService reapers = Executors.newScheduledThreadPool(1, r -> daemon(r, "livy-local-reaper"));
        http.start();
        LocalLivyServer server = new LocalLivyServer(options, http, handlers, reapers, registry, spare, script, password);
        long idleCheck = clamp(options.sessionTimeout().toMillis() / 10, 500, 60_000);
        reapers.scheduleWithFixedDelay(server.guard(registry::reapIdle), idleCheck, idleCheck, TimeUnit.MILLISECONDS);
        long hb = options.heartbeatInterval().toMillis();
        reapers.scheduleWithFixedDelay(server.guard(registry::reapHeartbeats), hb, hb, TimeUnit.MILLISECONDS);
        if (options.spare().enabled()) {
            Duration quiet = options.spare().quietBefore();
            reapers.scheduleWithFixedDelay(server.guard(() -> spare.tick(() -> registry.quietFor(quiet))),
                    1, 1, TimeUnit.SECONDS);
        }
        LOG.info("local Livy endpoint on {} (auth {}, python {}, session timeout {}, heartbeat interval {})",
                server.url(), options.auth() ? "on" : "off", options.python(),
                Durations.format(options.sessionTimeout()), Durations.format(options.heartbeatInterval()));
        return server;
    }

    private Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("reaper failed", e);
            }
        };
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8998}. */
    public String url() {
        String host = options.host();
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + http.getAddress().getPort();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code livy}, or null without auth. */
    public String username() {
        return password == null ? null : USERNAME;
    }

    /** The per-start secret, or null without auth. */
    public String password() {
        return password;
    }

    public LocalLivyOptions options() {
        return options;
    }

    /** The warm spare's state, for {@code %%info}. */
    public String spareState() {
        return spare.describe();
    }

    /**
     * Stops as {@link #close()} does, but leaves the warm spare running for the kernel that
     * restarts with the same connection file (when the spare is on and there is one).
     */
    public void closeForRestart() {
        prepareRestart();
        close();
    }

    /**
     * The kernel is about to restart: hands the warm spare on now, before the kernel deletes its
     * session, and lets session stops return without waiting for Spark's shutdown.
     */
    public void prepareRestart() {
        reapers.shutdownNow();
        spare.handOff();
        registry.leaving();
    }

    /** Stops serving and kills every session's process tree, waiting a few seconds for them. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("stopping local Livy endpoint {}", url());
        reapers.shutdownNow();
        http.stop(0);
        spare.close();
        registry.closeAll(8000);
        handlers.shutdownNow();
        try {
            Files.deleteIfExists(driverScript);
        } catch (IOException ignored) {
            // temp file; deleteOnExit is the fallback
        }
    }

    private static Path extractDriver() throws IOException {
        Path script = Files.createTempFile("livy_repl_driver", ".py");
        script.toFile().deleteOnExit();
        try (InputStream in = LocalLivyServer.class.getResourceAsStream(DRIVER_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + DRIVER_RESOURCE + " missing from the jar");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** HTTP Basic with user {@code livy} and the per-start secret, compared in constant time. */
    static final class SecretAuthenticator extends BasicAuthenticator {
        private final byte[] expected;

        SecretAuthenticator(String password) {
            super("livy-local");
            this.expected = (USERNAME + ":" + password).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean checkCredentials(String user, String pass) {
            byte[] given = (user + ":" + pass).getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(given, expected);
        }
    }
}
