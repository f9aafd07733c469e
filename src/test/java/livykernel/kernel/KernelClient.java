package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.ConnectionInfo;
import livykernel.wire.Header;
import livykernel.wire.HmacSigner;
import livykernel.wire.InvalidMessageException;
import livykernel.wire.Json;
import livykernel.wire.Message;
import livykernel.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** A minimal signing Jupyter client over JeroMQ, as jupyter_client behaves, for in-JVM tests. */
final class KernelClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final ZContext context = new ZContext();
    final ZMQ.Socket shell;
    final ZMQ.Socket control;
    final ZMQ.Socket iopub;
    final ZMQ.Socket hb;
    final WireCodec codec;
    final String session = "client-session";
    private final List<Message> iopubBacklog = new ArrayList<>();

    KernelClient(ConnectionInfo info) {
        codec = new WireCodec(HmacSigner.of(info));
        shell = dealer(info, info.shellPort());
        control = dealer(info, info.controlPort());
        iopub = context.createSocket(SocketType.SUB);
        iopub.subscribe(new byte[0]);
        iopub.connect(info.endpoint(info.iopubPort()));
        hb = context.createSocket(SocketType.REQ);
        hb.connect(info.endpoint(info.hbPort()));
    }

    private ZMQ.Socket dealer(ConnectionInfo info, int port) {
        ZMQ.Socket s = context.createSocket(SocketType.DEALER);
        s.setIdentity(("client-" + port).getBytes(StandardCharsets.UTF_8));
        s.connect(info.endpoint(port));
        return s;
    }

    /** Like jupyter_client's wait_for_ready: kernel_info until iopub traffic shows the subscription works. */
    void waitForReady() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String id = send(shell, "kernel_info_request", Json.object());
            Message reply = receive(shell, Duration.ofSeconds(2));
            assertNotNull(reply, "no kernel_info_reply");
            Message status = receive(iopub, Duration.ofMillis(300));
            if (status != null && "iopub_welcome".equals(status.msgType())) {
                // Subscribed now, after this kernel_info's own status went out: ask once more.
                continue;
            }
            if (status != null) {
                // drain until this request's idle
                if (!isIdleFor(status, id)) {
                    iopubUntilIdle(id);
                }
                return;
            }
        }
        fail("kernel never became ready");
    }

    String send(ZMQ.Socket socket, String msgType, JsonNode content) {
        Header header = Header.create(msgType, session, "tester");
        sendFrames(socket, codec.encode(new Message(List.of(), header, Json.object(), Json.object(), content,
                List.of())));
        return header.msgId();
    }

    String execute(String code) {
        return execute(code, Json.object());
    }

    String execute(String code, ObjectNode extra) {
        ObjectNode c = Json.object();
        c.put("code", code);
        c.put("silent", false);
        c.put("store_history", true);
        c.putObject("user_expressions");
        c.put("allow_stdin", false);
        c.put("stop_on_error", true);
        c.setAll(extra);
        return send(shell, "execute_request", c);
    }

    static void sendFrames(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    Message receive(ZMQ.Socket socket, Duration timeout) {
        if (socket == iopub && !iopubBacklog.isEmpty()) {
            return iopubBacklog.remove(0);
        }
        ZMQ.Poller poller = context.createPoller(1);
        try {
            poller.register(socket, ZMQ.Poller.POLLIN);
            if (poller.poll(timeout.toMillis()) <= 0) {
                return null;
            }
        } finally {
            poller.close();
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(socket.recv(0));
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        try {
            return codec.decode(frames);
        } catch (InvalidMessageException e) {
            throw new AssertionError("kernel sent an invalid message: " + e.getMessage());
        }
    }

    /** The reply to {@code msgId} on {@code socket}; fails after the timeout. */
    Message reply(ZMQ.Socket socket, String msgId) {
        Message m = receive(socket, TIMEOUT);
        assertNotNull(m, "no reply");
        assertEquals(msgId, m.parentHeader().path("msg_id").asText(), "reply parent");
        return m;
    }

    /** Iopub messages whose parent is {@code msgId}, up to and including its idle status. */
    List<Message> iopubUntilIdle(String msgId) {
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<Message> others = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Message m = receive(iopub, Duration.ofMillis(200));
            if (m == null) {
                continue;
            }
            if (!msgId.equals(m.parentHeader().path("msg_id").asText())) {
                others.add(m);
                continue;
            }
            out.add(m);
            if (isIdleFor(m, msgId)) {
                iopubBacklog.addAll(0, others);
                return out;
            }
        }
        throw new AssertionError("no idle for " + msgId + "; got " + types(out));
    }

    /** The next iopub message matching {@code wanted}, skipping others. */
    Message nextIopub(java.util.function.Predicate<Message> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = receive(iopub, Duration.ofMillis(200));
            if (m != null && wanted.test(m)) {
                return m;
            }
        }
        throw new AssertionError("no matching iopub message");
    }

    static boolean isIdleFor(Message m, String msgId) {
        return "status".equals(m.msgType()) && "idle".equals(m.content().path("execution_state").asText())
                && msgId.equals(m.parentHeader().path("msg_id").asText());
    }

    static List<String> types(List<Message> messages) {
        List<String> t = new ArrayList<>();
        for (Message m : messages) {
            t.add("status".equals(m.msgType()) ? "status:" + m.content().path("execution_state").asText() : m.msgType());
        }
        return t;
    }

    @Override
    public void close() {
        context.close();
    }
}
