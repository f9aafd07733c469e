package livykernel;

import livykernel.completion.SessionCompleter;
import livykernel.config.AwsSettings;
import livykernel.config.ConfigLoader;
import livykernel.config.KernelConfig;
import livykernel.display.BundleDecoder;
import livykernel.display.OutputMapper;
import livykernel.display.SessionDisplay;
import livykernel.execution.LivyCellExecutor;
import livykernel.execution.SessionCells;
import livykernel.execution.StatementRunner;
import livykernel.kernel.Cell;
import livykernel.kernel.CellExecutor;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.kernel.DeferredCells;
import livykernel.kernel.JupyterKernel;
import livykernel.livy.PollingPolicy;
import livykernel.local.LocalLivyMain;
import livykernel.logs.ArchiveLoader;
import livykernel.logs.AwsOptions;
import livykernel.logs.EmrLogs;
import livykernel.logs.LivyLogSource;
import livykernel.magics.CellRouter;
import livykernel.magics.MagicContext;
import livykernel.magics.MagicRegistry;
import livykernel.progress.ProgressMode;
import livykernel.progress.ProgressReporter;
import livykernel.progress.SparkHistory;
import livykernel.progress.SparkRest;
import livykernel.progress.ProgressSettings;
import livykernel.session.IdleKeepAlive;
import livykernel.session.SessionManager;
import livykernel.transport.BindFailedException;
import livykernel.transport.ZmqKernelServer;
import livykernel.wire.ConnectionInfo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Entry point: parses arguments and wires the kernel together by hand. */
public final class Main {

    /** The EMR log archive: nothing of the AWS SDK is loaded until a cell reads from it. */
    private static EmrLogs emrLogs(KernelConfig config) {
        AwsSettings aws = config.aws();
        String host = config.usesLocalEndpoint() ? null : URI.create(config.livyUrl()).getHost();
        return new EmrLogs(new ArchiveLoader(new AwsOptions(aws.region(), aws.profile(), aws.endpointUrl())),
                aws.emrClusterId(), () -> host, Clock.systemUTC());
    }

    private static final String USAGE = """
            usage: java -jar livy-kernel.jar CONNECTION_FILE        run the Jupyter kernel
                   java -jar livy-kernel.jar local-livy [options]   run the embedded Livy endpoint standalone""";

    /** Exit status when a port of the connection file is taken (EX_TEMPFAIL: starting again helps). */
    static final int PORT_TAKEN_EXIT = 75;

    private Main() {
    }

    public static void main(String[] args) {
        configureLogging(args.length > 0 && args[0].equals("local-livy") ? "info" : "warn");
        if (args.length > 0 && args[0].equals("local-livy")) {
            System.exit(LocalLivyMain.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println(USAGE);
            System.exit(args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")) ? 0 : 2);
        }
        warmUp();
        Path connectionFile = Path.of(args[0]);
        ConnectionInfo info;
        try {
            info = ConnectionInfo.read(connectionFile);
        } catch (IOException | RuntimeException e) {
            System.err.println("livy-kernel: cannot read the connection file " + connectionFile + ": "
                    + (Files.exists(connectionFile) ? e.getMessage() : "no such file"));
            System.exit(2);
            return;
        }
        // Bound before anything else is set up: a client that finds no listener retries only 100-200 ms later.
        ZmqKernelServer server;
        try {
            server = new ZmqKernelServer(info);
        } catch (BindFailedException e) {
            System.err.println("livy-kernel: " + e.getMessage() + ".");
            // EX_TEMPFAIL: a front end (or test harness) that restarts a kernel dead at start, with new ports, mends it.
            System.exit(e.portTaken() ? PORT_TAKEN_EXIT : 2);
            return;
        }
        // Serving before wiring: kernel_info is answered while the rest is built, and every
        // other request waits for it (DeferredCells).
        DeferredCells cells = new DeferredCells();
        JupyterKernel kernel = new JupyterKernel(server, cells, cells);
        kernel.start(cells.ready());
        try {
            KernelConfig config = ConfigLoader.fromEnvironment();
            SessionManager sessions = wire(config, connectionFile, kernel, cells);
            if (config.prestartsSession()) {
                sessions.prestart();
            }
        } catch (RuntimeException | Error e) {
            // A bug, not a user's mistake (configuration problems are reported in cells): each cell says so.
            org.slf4j.LoggerFactory.getLogger(Main.class).error("livy-kernel could not set itself up", e);
            cells.wiringFailed(e);
        }
        exitWhenParentDies();
        kernel.run();
    }

    /** Builds the cells' side (Livy, sessions, progress, magics) and hands it to {@code cells}. */
    private static SessionManager wire(KernelConfig config, Path connectionFile, JupyterKernel kernel, DeferredCells cells) {
        LivyEndpoint endpoint = new LivyEndpoint(config, LivyEndpoint.spareHandoffFor(connectionFile));
        // Every poll of Livy (statements, session start, hidden helpers) and the session heartbeat.
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("livy-poller"));
        SessionManager sessions = new SessionManager(endpoint, scheduler, new LivyLogSource(endpoint),
                config.sessionConfigs(), config.heartbeatTimeoutSeconds(), config.sessionStartupTimeout(),
                Clock.systemUTC(), emrLogs(config));
        sessions.attachOnFirstUse(config.attachSessionId());
        new IdleKeepAlive(sessions, config.sessionIdleKeepalive()).schedule(scheduler);
        SparkRest sparkRest = url -> endpoint.get().getAbsolute(url, Duration.ofSeconds(3));
        ProgressSettings progressSettings = new ProgressSettings(progressMode(config),
                config.sparkHistoryUrl() == null ? null : new SparkHistory(sparkRest, config.sparkHistoryUrl()));
        ProgressReporter progress = new ProgressReporter(progressSettings, sparkRest,
                Executors.newSingleThreadScheduledExecutor(daemon("spark-progress")));
        StatementRunner runner = new StatementRunner(sessions, endpoint, scheduler, PollingPolicy.DEFAULT,
                startupNotices(config), progress, config.sessionAutoRecreate(), new SessionCells())
                .sessionSetup(SessionDisplay.installCode(config.displayMaxRows(), config.displayMaxBytes(),
                        config.richResults()));
        LivyCellExecutor executor = new LivyCellExecutor(runner, new OutputMapper(new BundleDecoder(config.displayMaxBytes(), config.maxOutputBytes())));
        // Runs on every JVM exit (shutdown request, SIGTERM): the embedded endpoint kills its
        // Spark processes. The kernel's own hook deletes the Livy session before this matters.
        Runtime.getRuntime().addShutdownHook(new Thread(endpoint::close, "livy-endpoint-close"));
        MagicContext magicContext = new MagicContext(sessions, runner, executor, config, endpoint::describe, progressSettings);
        // The local Python (%%local, -o) is started by its first use only; every exit ends it.
        Runtime.getRuntime().addShutdownHook(new Thread(magicContext.local()::shutdown, "local-python-close"));
        MagicRegistry magics = MagicRegistry.standard(magicContext);
        // Comm targets before the cells' side is handed over: the kernel holds comm_open until then.
        progress.attach(kernel.comms());
        cells.wire(restartAware(new CellRouter(executor, magics), endpoint),
                new SessionCompleter(magics, sessions, runner, Duration.ofMillis(1500)));
        return sessions;
    }

    /**
     * Loads, on a second thread, what the first reply needs and binding the sockets does not
     * (Jackson's parser and generator, the HMAC's digest, SLF4J, the SecureRandom behind message ids), so on a machine
     * with a spare core it is ready when the client's kernel_info arrives. Failures here are
     * ignored: the same code runs again where it is used and reports there.
     */
    private static void warmUp() {
        Thread t = new Thread(() -> {
            try {
                // First what binding needs: JeroMQ seeds each ROUTER socket from a SecureRandom,
                // whose providers and seeding took ~25 ms on the main thread before the listener.
                new java.security.SecureRandom().nextInt();
                java.security.MessageDigest.getInstance("SHA-256");
                // What the first message needs of Jackson: the wire codec's parser and generator, no mapper.
                livykernel.wire.WireCodec.warmUp();
                org.slf4j.LoggerFactory.getILoggerFactory();
                java.util.UUID.randomUUID();
            } catch (Exception | LinkageError e) {
                // see above
            }
        }, "kernel-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Tells the endpoint about a restart before the cells' resources go, so its warm spare outlives this process. */
    private static CellExecutor restartAware(CellExecutor cells, LivyEndpoint endpoint) {
        return new CellExecutor() {
            @Override
            public CellResult execute(Cell cell, CellOutput out) throws InterruptedException {
                return cells.execute(cell, out);
            }

            @Override
            public CellResult failed(Throwable e) {
                return cells.failed(e);
            }

            @Override
            public void shutdown(boolean restart) {
                if (restart) {
                    endpoint.restarting();
                }
                cells.shutdown(restart);
            }
        };
    }

    /**
     * A front end killed without shutting its kernel down (jupyter console closed by force, a
     * crashed server) must not leave the kernel, its Livy session and the embedded endpoint's
     * Spark processes running. jupyter_client names its own pid in JPY_PARENT_PID, as ipykernel
     * relies on; exiting runs the shutdown hooks, which delete the session and stop the endpoint.
     */
    private static void exitWhenParentDies() {
        String pid = System.getenv("JPY_PARENT_PID");
        java.util.Optional<ProcessHandle> parent;
        try {
            parent = pid == null || pid.isBlank() ? java.util.Optional.empty() : ProcessHandle.of(Long.parseLong(pid.trim()));
        } catch (NumberFormatException e) {
            parent = java.util.Optional.empty();
        }
        parent.ifPresent(p -> p.onExit().thenRun(() -> {
            System.err.println("livy-kernel: the front end that started this kernel (pid " + p.pid() + ") is gone; exiting");
            System.exit(0);
        }));
    }

    /**
     * Front ends such as jupyter console show the kernel's stderr in the user's terminal, so the
     * kernel logs warnings only unless LIVY_KERNEL_LOG_LEVEL asks for more. Must run before
     * any logger is created.
     */
    private static void configureLogging(String defaultLevel) {
        String level = System.getenv().getOrDefault("LIVY_KERNEL_LOG_LEVEL", defaultLevel);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // At debug the AWS SDK logs each canonical request, session token included: never below warn.
        boolean quieter = level.equalsIgnoreCase("error") || level.equalsIgnoreCase("off");
        System.setProperty("org.slf4j.simpleLogger.log.software.amazon.awssdk", quieter ? level : "warn");
    }

    /** What the first cell tells the user about the configuration: files that could not be used, checks that are off. */
    private static java.util.List<String> startupNotices(KernelConfig config) {
        java.util.List<String> notices = new java.util.ArrayList<>(config.configProblems());
        if (config.certificateChecksOff()) {
            notices.add("ignore_ssl_errors is on: the certificate and host name of " + livykernel.magics.SecretMasker.maskUrl(config.livyUrl()) + " are not checked, "
                    + "so anyone on the network path can read and change what the kernel sends. Set ca_bundle instead.");
        }
        return notices;
    }

    /** The configured progress mode ({@code progress_mode}, {@code LIVY_KERNEL_PROGRESS}); ON when unset or unknown. */
    private static ProgressMode progressMode(KernelConfig config) {
        ProgressMode mode = ProgressMode.parse(config.progressMode());
        if (mode == null && config.progressMode() != null) {
            System.err.println("livy-kernel: progress mode '" + config.progressMode() + "' is not on, off, text or widget; using on");
        }
        return mode == null ? ProgressMode.ON : mode;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
