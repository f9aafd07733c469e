package livykernel.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The hb socket (ROUTER) on its own thread: echoes every frame unchanged, so clients see the
 * kernel alive even while a cell runs.
 */
public final class Heartbeat implements AutoCloseable {

    /** Looked up on first use: SLF4J's provider discovery is not to delay binding the sockets. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    }
    // Only bounds how quickly close() is noticed; echoes are immediate.
    private static final int POLL_MS = 100;

    private final ZContext context;
    private final ZMQ.Socket socket;
    private final int port;
    private volatile boolean running = true;
    private Thread thread;

    public Heartbeat(ZContext context, String transport, String ip, int port, String endpoint) {
        this.context = context;
        // ROUTER, not REP (as ipykernel): a REP socket's request/reply state can wedge on a peer that
        // went away mid-reply, and then the heartbeat stops for every client.
        this.socket = context.createSocket(SocketType.ROUTER);
        this.socket.setLinger(0);
        if (port == 0 && "tcp".equals(transport)) {
            this.port = socket.bindToRandomPort("tcp://" + ip);
        } else {
            BindFailedException.bind(socket, "hb", endpoint);
            this.port = port;
        }
    }

    public int port() {
        return port;
    }

    public synchronized void start() {
        thread = new Thread(this::loop, "zmq-hb");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        ZMQ.Poller poller = context.createPoller(1);
        poller.register(socket, ZMQ.Poller.POLLIN);
        try {
            while (running) {
                if (poller.poll(POLL_MS) <= 0 || !poller.pollin(0)) {
                    continue;
                }
                echo();
            }
        } catch (RuntimeException e) {
            if (running) {
                Log.LOG.error("heartbeat loop stopped unexpectedly", e);
            }
        } finally {
            poller.close();
            socket.close();
        }
    }

    /** Echoes one whole message (the client's identity frame first) back to the client it came from. */
    private void echo() {
        java.util.List<byte[]> frames = new java.util.ArrayList<>();
        do {
            byte[] frame = socket.recv(ZMQ.DONTWAIT);
            if (frame == null) {
                return;
            }
            frames.add(frame);
        } while (socket.hasReceiveMore());
        for (int i = 0; i < frames.size(); i++) {
            int flags = ZMQ.DONTWAIT | (i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
            // A client gone or not reading: ROUTER drops the echo rather than block the heartbeat.
            if (!socket.send(frames.get(i), flags)) {
                Log.LOG.debug("heartbeat echo not sent");
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            socket.close();
            return;
        }
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
