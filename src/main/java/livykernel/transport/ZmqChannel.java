package livykernel.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One bound ZMQ socket and the single thread that owns it. Other threads hand outgoing
 * multipart messages to {@link #send}, which queues them and wakes the owner through an
 * inproc PAIR socket, so a reply leaves immediately instead of waiting for a poll timeout.
 * Received messages are passed, whole, to the inbound consumer on the owner thread.
 */
public class ZmqChannel implements AutoCloseable {

    /** Looked up on first use: SLF4J's provider discovery is not to delay binding the sockets. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ZmqChannel.class);
    }
    private static final byte[] WAKE = new byte[0];
    // Bounded so a flood cannot starve outgoing replies: after this many reads the loop sends.
    private static final int MAX_READS_PER_TURN = 64;

    private final String name;
    private final ZContext context;
    private final ZMQ.Socket socket;
    private final boolean readable;
    private final int port;
    private final ZMQ.Socket wakeReceiver;
    private final ZMQ.Socket wakeSender;   // shared by all senders, guarded by itself
    private final Queue<List<byte[]>> outgoing = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private boolean wakeClosed;   // guarded by wakeSender
    private Thread thread;

    private static final AtomicLong WAKE_IDS = new AtomicLong();

    /**
     * Creates and binds the socket. {@code port} 0 binds a random free port (tests).
     */

    public ZmqChannel(ZContext context, SocketType type, String name, String transport, String ip, int port,
                      String endpoint) {
        this.name = name;
        this.context = context;
        this.socket = context.createSocket(type);
        this.socket.setLinger(1000);
        // The default send high-water mark of 1000 silently drops iopub output for slow clients.
        this.socket.setSndHWM(100_000);
        this.readable = type != SocketType.PUB;
        if (type == SocketType.XPUB) {
            // Every subscription, not only the first per topic: each client that connects is greeted.
            this.socket.setXpubVerbose(true);
        }
        if (port == 0 && "tcp".equals(transport)) {
            this.port = socket.bindToRandomPort("tcp://" + ip);
        } else {
            BindFailedException.bind(socket, name, endpoint);
            this.port = port;
        }
        // A counter, not a UUID: UUID's SecureRandom would load the security providers before the
        // kernel's sockets are up (tens of ms of its start).
        String wakeAddress = "inproc://wake-" + name + "-" + WAKE_IDS.incrementAndGet();
        this.wakeReceiver = context.createSocket(SocketType.PAIR);
        this.wakeReceiver.bind(wakeAddress);
        this.wakeSender = context.createSocket(SocketType.PAIR);
        this.wakeSender.connect(wakeAddress);
    }

    public int port() {
        return port;
    }

    /** Starts the owner thread; {@code inbound} runs on it and must not block for long. */
    public synchronized void start(Consumer<List<byte[]>> inbound) {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        thread = new Thread(() -> loop(inbound), "zmq-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a multipart message for sending; safe from any thread. */
    public void send(List<byte[]> frames) {
        if (!running) {
            Log.LOG.debug("{}: dropping message sent after close", name);
            return;
        }
        outgoing.add(frames);
        wake();
    }

    private void wake() {
        synchronized (wakeSender) {
            if (!wakeClosed) {
                // DONTWAIT: if wake-ups are already pending the owner will drain the queue anyway.
                wakeSender.send(WAKE, ZMQ.DONTWAIT);
            }
        }
    }

    private void loop(Consumer<List<byte[]>> inbound) {
        ZMQ.Poller poller = context.createPoller(2);
        int socketIndex = readable ? poller.register(socket, ZMQ.Poller.POLLIN) : -1;
        int wakeIndex = poller.register(wakeReceiver, ZMQ.Poller.POLLIN);
        try {
            while (running) {
                poller.poll(-1);
                if (poller.pollin(wakeIndex)) {
                    while (wakeReceiver.recv(ZMQ.DONTWAIT) != null) {
                        // drain wake-ups
                    }
                }
                flushOutgoing();
                if (socketIndex >= 0 && poller.pollin(socketIndex)) {
                    for (int i = 0; i < MAX_READS_PER_TURN && running; i++) {
                        List<byte[]> frames = receive();
                        if (frames == null) {
                            break;
                        }
                        deliver(inbound, frames);
                    }
                }
            }
            flushOutgoing();
        } catch (RuntimeException e) {
            if (running) {
                Log.LOG.error("{} socket loop stopped unexpectedly", name, e);
            }
        } finally {
            poller.close();
            socket.close();
            wakeReceiver.close();
        }
    }

    private void deliver(Consumer<List<byte[]>> inbound, List<byte[]> frames) {
        try {
            inbound.accept(frames);
        } catch (RuntimeException e) {
            // A bad message must never kill the socket thread.
            Log.LOG.warn("{}: error handling incoming message", name, e);
        }
    }

    private List<byte[]> receive() {
        byte[] first = socket.recv(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    private void flushOutgoing() {
        List<byte[]> frames;
        while ((frames = outgoing.poll()) != null) {
            try {
                for (int i = 0; i < frames.size(); i++) {
                    socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
                }
            } catch (RuntimeException e) {
                Log.LOG.warn("{}: could not send a message", name, e);
            }
        }
    }

    /** Sends what is queued, stops the owner thread and closes the socket. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        running = false;
        if (t != null) {
            wake();
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            socket.close();
            wakeReceiver.close();
        }
        synchronized (wakeSender) {
            wakeClosed = true;
            wakeSender.close();
        }
    }
}
