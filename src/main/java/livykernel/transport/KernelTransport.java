package livykernel.transport;

import livykernel.wire.ConnectionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The JeroMQ context and the kernel's five bound sockets (shell, control, stdin ROUTERs,
 * iopub XPUB, hb REP), each owned by its own thread. Knows frames, not message meaning.
 */
public final class KernelTransport implements AutoCloseable {

    /** Looked up on first use: SLF4J's provider discovery is not to delay binding the sockets. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(KernelTransport.class);
    }

    private final ZContext context;
    private volatile boolean closing;
    private final ZmqChannel shell;
    private final ZmqChannel control;
    private final ZmqChannel stdin;
    private final ZmqChannel iopubChannel;
    private final IopubPublisher iopub;
    private final Heartbeat heartbeat;
    private final ConnectionInfo bound;

    /** Binds all sockets now (bind errors surface here); threads start with {@link #start}. */
    public KernelTransport(ConnectionInfo info) {
        this.context = new ZContext();
        // JeroMQ's I/O threads can meet a closed signaller while the context terminates; that is
        // the end of the kernel, not an error a user should see as a stack trace on stderr.
        Thread.UncaughtExceptionHandler quiet = (t, e) -> {
            if (closing) {
                Log.LOG.debug("ZeroMQ thread {} at shutdown: {}", t.getName(), e.toString());
            } else {
                Log.LOG.warn("ZeroMQ thread {} failed: {}", t.getName(), e.toString());
            }
        };
        context.setUncaughtExceptionHandler(quiet);
        context.setNotificationExceptionHandler(quiet);
        try {
            // Shell and iopub first: a client is ready once both answer (kernel_info, then iopub traffic).
            shell = channel(info, SocketType.ROUTER, "shell", info.shellPort());
            // XPUB, not PUB: it tells the kernel of each new subscriber, which it greets (JEP 65).
            iopubChannel = channel(info, SocketType.XPUB, "iopub", info.iopubPort());
            control = channel(info, SocketType.ROUTER, "control", info.controlPort());
            stdin = channel(info, SocketType.ROUTER, "stdin", info.stdinPort());
            iopub = new IopubPublisher(iopubChannel);
            heartbeat = new Heartbeat(context, info.transport(), info.ip(), info.hbPort(), info.endpoint(info.hbPort()));
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        bound = info.withPorts(shell.port(), iopubChannel.port(), stdin.port(), control.port(), heartbeat.port());
    }

    private ZmqChannel channel(ConnectionInfo info, SocketType type, String name, int port) {
        return new ZmqChannel(context, type, name, info.transport(), info.ip(), port, info.endpoint(port));
    }

    /** Jupyter clients subscribe to "" or a short prefix; a longer topic is a fuzzer's, not a client's. */
    private static final int MAX_TOPIC_BYTES = 1024;
    private static final String DELIMITER = new String(livykernel.wire.WireCodec.DELIMITER, StandardCharsets.US_ASCII);

    /** Starts every socket thread; the consumers run on the owning socket threads. */
    public void start(Consumer<List<byte[]>> onShell, Consumer<List<byte[]>> onControl,
                      Consumer<List<byte[]>> onStdin, Consumer<String> onSubscribe) {
        heartbeat.start();
        iopubChannel.start(frames -> {
            // An XPUB socket hands up "\x01topic" for a subscription and "\x00topic" when it ends, each
            // as a message of one frame; anything else a peer sends there is noise.
            String topic = frames.size() == 1 ? subscription(frames.get(0)) : null;
            if (topic != null) {
                onSubscribe.accept(topic);
            }
        });
        shell.start(onShell);
        control.start(onControl);
        stdin.start(onStdin);
    }

    /** The topic of a subscription frame, or null for a frame that is none (or a topic no client would use). */
    static String subscription(byte[] frame) {
        if (frame.length == 0 || frame[0] != 1 || frame.length > MAX_TOPIC_BYTES + 1) {
            return null;
        }
        String topic;
        try {
            topic = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(frame, 1, frame.length - 1)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
        // As the greeting's topic frame it would make every client subscribed to everything misread it.
        return topic.contains(DELIMITER) ? null : topic;
    }

    /** The connection info with the ports actually bound. */
    public ConnectionInfo bound() {
        return bound;
    }

    public ZmqChannel shell() {
        return shell;
    }

    public ZmqChannel control() {
        return control;
    }

    public ZmqChannel stdin() {
        return stdin;
    }

    public IopubPublisher iopub() {
        return iopub;
    }

    /** Flushes queued messages, stops every socket thread and closes the context. */
    @Override
    public void close() {
        closing = true;
        shell.close();
        control.close();
        stdin.close();
        iopubChannel.close();
        heartbeat.close();
        context.close();
    }
}
