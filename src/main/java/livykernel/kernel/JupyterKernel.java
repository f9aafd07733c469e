package livykernel.kernel;

import livykernel.kernel.KernelServer.Channel;
import livykernel.wire.Json;
import livykernel.wire.Message;
import livykernel.wire.protocol.InterruptReply;
import livykernel.wire.protocol.MsgType;
import livykernel.wire.protocol.ShutdownReply;
import livykernel.wire.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A Jupyter kernel behind a {@link KernelServer} (ZMQ sockets, or memory in tests), running
 * cells through a {@link CellExecutor}. Shell requests run one at a time on the execution thread; control
 * requests (shutdown, interrupt, kernel_info) on their own thread, even while a cell runs.
 * Construct, register comm targets, then {@link #run()}.
 */
public final class JupyterKernel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JupyterKernel.class);
    // Hard exit if closing sockets or the executor hangs after a shutdown request.
    private static final Duration HALT_AFTER = Duration.ofSeconds(5);

    private final CellExecutor executor;
    private final ExecuteHandler execute;
    private final boolean exitJvmOnShutdown;
    private final KernelServer server;
    private final Messenger messenger;
    private final CommManager comms;
    private final ExecutionQueue queue = new ExecutionQueue();
    private final ExecutorService control = Executors.newSingleThreadExecutor(daemon("kernel-control"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("kernel-timer"));
    private final Dispatcher shellDispatcher;
    private final Dispatcher controlDispatcher;
    private final CountDownLatch shutdownRequested = new CountDownLatch(1);
    private final AtomicBoolean executorShutDown = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A kernel that exits the JVM after a shutdown request (what Main wants). */
    public JupyterKernel(KernelServer server, CellExecutor executor, Completer completer) {
        this(server, executor, completer, true);
    }

    /**
     * The kernel owns {@code server} from here on: it starts and closes it. With
     * {@code exitJvmOnShutdown} false (tests), {@link #run()} just returns after a shutdown request.
     */
    public JupyterKernel(KernelServer server, CellExecutor executor, Completer completer,
                         boolean exitJvmOnShutdown) {
        this.executor = executor;
        this.exitJvmOnShutdown = exitJvmOnShutdown;
        this.server = server;
        this.messenger = new Messenger(server, UUID.randomUUID().toString());
        this.comms = new CommManager(messenger);
        History history = new History();
        InfoHandlers handlers = new InfoHandlers(messenger, completer == null ? Completer.NONE : completer,
                history, comms);
        this.execute = new ExecuteHandler(messenger, executor, history, queue, timer);

        Map<String, Consumer<Request>> common = new HashMap<>();
        common.put(MsgType.KERNEL_INFO_REQUEST, handlers::kernelInfo);
        common.put(MsgType.SHUTDOWN_REQUEST, this::shutdownRequest);
        common.put(MsgType.INTERRUPT_REQUEST, this::interruptRequest);

        Map<String, Consumer<Request>> shell = new HashMap<>(common);
        shell.put(MsgType.EXECUTE_REQUEST, execute::handle);
        shell.put(MsgType.IS_COMPLETE_REQUEST, handlers::isComplete);
        shell.put(MsgType.COMPLETE_REQUEST, handlers::complete);
        shell.put(MsgType.INSPECT_REQUEST, handlers::inspect);
        shell.put(MsgType.HISTORY_REQUEST, handlers::history);
        shell.put(MsgType.COMM_INFO_REQUEST, handlers::commInfo);
        shell.put(MsgType.COMM_OPEN, r -> comms.handleOpen(r.message()));
        shell.put(MsgType.COMM_MSG, r -> comms.handleMessage(r.message()));
        shell.put(MsgType.COMM_CLOSE, r -> comms.handleClose(r.message()));
        this.shellDispatcher = new Dispatcher(messenger, shell, "shell");
        this.controlDispatcher = new Dispatcher(messenger, common, "control");
    }

    /** The comm registry: register targets, open kernel-side comms (widgets). */
    public CommManager comms() {
        return comms;
    }

    public void registerCommTarget(String targetName, CommTarget target) {
        comms.registerTarget(targetName, target);
    }

    /** Starts serving (non-blocking) and publishes {@code status: starting}. */
    public void start() {
        start(CompletableFuture.completedFuture(null));
    }

    /**
     * Starts serving before the cells' side is ready ({@link DeferredCells}): kernel_info is
     * answered at once, while every other shell request waits for {@code ready}, in order, so a
     * comm_open is not refused for a comm target registered while wiring.
     */
    public void start(CompletionStage<?> ready) {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<?> gate = ready.toCompletableFuture();
        queue.start(r -> {
            if (MsgType.KERNEL_INFO_REQUEST.equals(r.msgType()) || awaitReady(gate)) {
                shellDispatcher.dispatch(r);
            }
        });
        server.start(new KernelServer.RequestHandler() {
            @Override
            public void received(Channel channel, Message request) {
                JupyterKernel.this.received(channel, request);
            }

            @Override
            public void subscribed(String topic) {
                messenger.welcome(topic);
            }
        });
        messenger.status(Json.object(), Status.STARTING);
        if (exitJvmOnShutdown) {
            // SIGTERM (jupyter_client's second step) still releases the executor's remote session.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDownExecutor(false), "kernel-sigterm"));
        }
    }

    /** Starts (if needed), serves until a shutdown request, then closes; exits the JVM if so built. */
    public void run() {
        start();
        awaitShutdownUninterruptibly();
        if (exitJvmOnShutdown) {
            armHalt();
        }
        close();
        if (exitJvmOnShutdown) {
            System.exit(0);
        }
    }

    /** Waits for a shutdown request; true if one arrived in time. */
    public boolean awaitShutdown(Duration timeout) throws InterruptedException {
        return shutdownRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops every thread and closes the sockets, after sending what is queued. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.stop();
        control.shutdownNow();
        timer.shutdown();
        server.close();
    }

    /** Runs on the server's threads: hands each request to the thread that serves its channel. */
    private void received(Channel channel, Message message) {
        switch (channel) {
            case SHELL -> queue.enqueue(message);
            case CONTROL -> control.execute(() -> controlDispatcher.dispatch(new Request(message, Channel.CONTROL, 0, Instant.now())));
            case STDIN -> LOG.debug("ignoring stdin message {}", message.msgType());
        }
    }

    private void shutdownRequest(Request r) {
        boolean restart = r.message().content().path("restart").asBoolean(false);
        messenger.reply(r, new ShutdownReply(restart));
        // After this request's idle: release the executor's resources, then let run() return.
        // jupyter_client restarts by starting a new process, so restart also ends this one.
        control.execute(() -> {
            shutDownExecutor(restart);
            shutdownRequested.countDown();
        });
    }

    private void interruptRequest(Request r) {
        interruptRunningCell();
        messenger.reply(r, new InterruptReply());
    }

    private void interruptRunningCell() {
        try {
            execute.interrupt();
        } catch (RuntimeException e) {
            LOG.warn("interrupting the cell failed", e);
        }
    }

    private void shutDownExecutor(boolean restart) {
        if (!executorShutDown.compareAndSet(false, true)) {
            return;
        }
        // A cell still running stops through its own context, so executors need no shutdown flag of their own.
        interruptRunningCell();
        try {
            executor.shutdown(restart);
        } catch (RuntimeException e) {
            LOG.warn("executor shutdown failed", e);
        }
    }

    /** False only when the kernel is closing meanwhile; a failed wiring is for the executor to report. */
    private boolean awaitReady(CompletableFuture<?> gate) {
        while (true) {
            try {
                gate.get();
                return true;
            } catch (InterruptedException e) {
                if (closed.get()) {
                    return false;
                }
            } catch (ExecutionException e) {
                return true;
            }
        }
    }

    private void awaitShutdownUninterruptibly() {
        while (true) {
            try {
                shutdownRequested.await();
                return;
            } catch (InterruptedException e) {
                // keep serving: only a shutdown request ends run()
            }
        }
    }

    private static void armHalt() {
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(0);
        }, "kernel-halt");
        halt.setDaemon(true);
        halt.start();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
