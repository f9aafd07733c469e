package livykernel.localpy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.ConnectionInfo;
import livykernel.wire.Header;
import livykernel.wire.HmacSigner;
import livykernel.wire.InvalidMessageException;
import livykernel.wire.Json;
import livykernel.wire.Message;
import livykernel.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running child ipykernel and the client sockets to it (shell, iopub). Used from one
 * thread at a time (the cell's); {@link #interrupt()} and {@link #destroy()} are safe from any.
 */
final class ChildKernel {

    private static final Logger LOG = LoggerFactory.getLogger(ChildKernel.class);

    private final Process process;
    private final Path dir;
    private final ZContext zmq;
    private final ZMQ.Socket shell;
    private final ZMQ.Socket iopub;
    private final WireCodec codec;
    private final String session = UUID.randomUUID().toString();

    private ChildKernel(Process process, Path dir, ZContext zmq, ZMQ.Socket shell, ZMQ.Socket iopub, WireCodec codec) {
        this.process = process;
        this.dir = dir;
        this.zmq = zmq;
        this.shell = shell;
        this.iopub = iopub;
        this.codec = codec;
    }

    /** Starts the child and connects to it; the child is not yet known to answer (see {@link #awaitReady}). */
    static ChildKernel launch(String python) throws IOException {
        Path dir = Files.createTempDirectory("livy-kernel-local-");
        String key = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        int[] ports = freePorts(5);
        ConnectionInfo info = new ConnectionInfo("tcp", "127.0.0.1", ports[0], ports[1], ports[2], ports[3], ports[4],
                "hmac-sha256", key, "livy-kernel-local");
        ObjectNode conn = Json.object();
        conn.put("transport", "tcp").put("ip", info.ip()).put("shell_port", ports[0]).put("iopub_port", ports[1])
                .put("stdin_port", ports[2]).put("control_port", ports[3]).put("hb_port", ports[4])
                .put("signature_scheme", info.signatureScheme()).put("key", key).put("kernel_name", info.kernelName());
        Path connFile = dir.resolve("connection.json");
        Files.writeString(connFile, Json.mapper().writeValueAsString(conn));
        ProcessBuilder pb = new ProcessBuilder(python, "-c", startupCode(), connFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.log").toFile());
        // ipykernel would otherwise watch the front end's pid too; our stdin pipe is the one tie.
        pb.environment().remove("JPY_PARENT_PID");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            removeDir(dir);
            throw e;
        }
        ZContext zmq = new ZContext();
        ZMQ.Socket shell = zmq.createSocket(SocketType.DEALER);
        shell.setLinger(0);
        shell.connect(info.endpoint(info.shellPort()));
        ZMQ.Socket iopub = zmq.createSocket(SocketType.SUB);
        iopub.setLinger(0);
        iopub.subscribe(new byte[0]);
        iopub.connect(info.endpoint(info.iopubPort()));
        return new ChildKernel(process, dir, zmq, shell, iopub, new WireCodec(HmacSigner.of(info)));
    }

    /**
     * Waits until the child answers kernel_info on shell and its iopub reaches us (a SUB socket
     * misses what is published before its subscription arrives). False if the child exited.
     */
    boolean awaitReady(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        boolean replied = false;
        boolean heard = false;
        String asked = null;
        long askedAt = 0;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            if (!heard && System.currentTimeMillis() - askedAt > 500) {
                asked = send("kernel_info_request", Json.object());
                askedAt = System.currentTimeMillis();
            }
            ZMQ.Poller poller = zmq.createPoller(2);
            poller.register(shell, ZMQ.Poller.POLLIN);
            poller.register(iopub, ZMQ.Poller.POLLIN);
            poller.poll(100);
            if (poller.pollin(0)) {
                replied |= receive(shell) != null;
            }
            if (poller.pollin(1)) {
                Message m = receive(iopub);
                heard |= m != null && asked != null;
            }
            poller.close();
            if (replied && heard) {
                return true;
            }
        }
        return false;
    }

    /** Sends a request on shell; returns its msg_id. */
    String send(String msgType, JsonNode content) {
        Header header = Header.create(msgType, session, "livy-kernel");
        List<byte[]> frames = codec.encode(new Message(List.of(), header, null, null, content, null));
        for (int i = 0; i < frames.size(); i++) {
            shell.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
        return header.msgId();
    }

    /**
     * Feeds iopub messages to {@code sink} until {@code done} says the request is over, the
     * child exits (false) or the time {@code deadlineMillis} gives passes (false). Shell replies are drained.
     */
    boolean pump(Consumer<Message> sink, java.util.function.BooleanSupplier done, java.util.function.LongSupplier deadlineMillis) {
        ZMQ.Poller poller = zmq.createPoller(2);
        poller.register(shell, ZMQ.Poller.POLLIN);
        poller.register(iopub, ZMQ.Poller.POLLIN);
        try {
            while (!done.getAsBoolean()) {
                if (!process.isAlive() || System.currentTimeMillis() > deadlineMillis.getAsLong()) {
                    return false;
                }
                poller.poll(200);
                if (poller.pollin(0)) {
                    receive(shell);
                }
                if (poller.pollin(1)) {
                    Message m;
                    while ((m = receive(iopub)) != null) {
                        sink.accept(m);
                    }
                }
            }
            return true;
        } finally {
            poller.close();
        }
    }

    private Message receive(ZMQ.Socket socket) {
        byte[] first = socket.recv(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        try {
            return codec.decode(frames);
        } catch (InvalidMessageException e) {
            LOG.debug("local python sent an unreadable message: {}", e.getMessage());
            return null;
        }
    }

    /** SIGINT to the child alone (it runs in its own process group), as Jupyter interrupts a kernel. */
    void interrupt() {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        } catch (IOException e) {
            LOG.warn("could not interrupt the local python (pid {}): {}", process.pid(), e.getMessage());
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The last lines the child wrote (why it did not start), for the user's message. */
    String outputTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("output.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    Path dir() {
        return dir;
    }

    /** Ends the child and frees the sockets; only from the thread that uses them. */
    void close() {
        destroy();
        zmq.close();
    }

    /** Ends the child (SIGTERM, then SIGKILL) and removes its files; safe from any thread, idempotent. */
    void destroy() {
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        removeDir(dir);
    }

    private static void removeDir(Path dir) {
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("could not remove {}: {}", dir, e.getMessage());
        }
    }

    private static int[] freePorts(int n) throws IOException {
        // Held open together so the five differ; the child binds them right after (as jupyter_client does).
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    private static String startupCode() throws IOException {
        try (InputStream in = ChildKernel.class.getResourceAsStream("/livykernel/localpy/local_startup.py")) {
            if (in == null) {
                throw new IOException("local_startup.py is missing from the kernel's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
