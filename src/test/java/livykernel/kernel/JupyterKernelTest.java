package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.transport.ZmqKernelServer;
import livykernel.wire.ConnectionInfo;
import livykernel.wire.Header;
import livykernel.wire.HmacSigner;
import livykernel.wire.Json;
import livykernel.wire.Message;
import livykernel.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel on real sockets (free ports) through {@link ZmqKernelServer}, driven by a signing
 * JeroMQ client in the same JVM: what the in-memory {@link KernelInMemoryTest} cannot show
 * (signing, dropped forgeries, heartbeat, routing identities).
 */
class JupyterKernelTest {

    private static final String KEY = "a0436f6c-1916-498b-8eb9-e81ab9368e84";

    private FakeExecutor executor;
    private JupyterKernel kernel;
    private DeliveryWatch server;
    private KernelClient client;

    private ConnectionInfo bound;

    @BeforeEach
    void start() throws Exception {
        executor = new FakeExecutor();
        ConnectionInfo info = ConnectionInfo.parse("{\"transport\":\"tcp\",\"ip\":\"127.0.0.1\",\"shell_port\":0,"
                + "\"iopub_port\":0,\"stdin_port\":0,\"control_port\":0,\"hb_port\":0,"
                + "\"signature_scheme\":\"hmac-sha256\",\"key\":\"" + KEY + "\"}");
        ZmqKernelServer zmq = new ZmqKernelServer(info);
        server = new DeliveryWatch(zmq);
        kernel = new JupyterKernel(server, executor, Completer.NONE, false);
        kernel.start();
        bound = zmq.connectionInfo();
        client = new KernelClient(bound);
        client.waitForReady();
    }

    @AfterEach
    void stop() {
        client.close();
        kernel.close();
    }

    @Test
    void kernelInfoOnShellAndControlIsBracketedByBusyIdle() {
        for (ZMQ.Socket socket : List.of(client.shell, client.control)) {
            String id = client.send(socket, "kernel_info_request", Json.object());
            Message reply = client.reply(socket, id);
            assertEquals("kernel_info_reply", reply.msgType());
            JsonNode c = reply.content();
            assertEquals("ok", c.path("status").asText());
            assertEquals("5.3", c.path("protocol_version").asText());
            assertEquals("livy-kernel", c.path("implementation").asText());
            assertEquals("python", c.path("language_info").path("name").asText());
            assertEquals(".py", c.path("language_info").path("file_extension").asText());
            assertEquals("ipython", c.path("language_info").path("codemirror_mode").path("name").asText());
            assertFalse(c.path("banner").asText().isEmpty());
            assertEquals(client.session, reply.parentHeader().path("session").asText());
            assertEquals(List.of("status:busy", "status:idle"), KernelClient.types(client.iopubUntilIdle(id)));
        }
    }

    @Test
    void eachNewIopubSubscriberIsWelcomedWithASignedIopubWelcome() {
        // JEP 65: jupyter_client's wait_for_ready wants iopub traffic; a greeting proves the subscription works.
        try (KernelClient late = new KernelClient(bound)) {
            Message welcome = late.nextIopub(m -> m.msgType().equals("iopub_welcome"));
            assertEquals("", welcome.content().path("subscription").asText("missing"));
            assertEquals(0, welcome.parentHeader().size(), "a welcome answers no request");
        }
    }

    @Test
    void executeFollowsIpykernelOrderAndCounts() {
        String id = client.execute("hello");
        Message reply = client.reply(client.shell, id);
        assertEquals("execute_reply", reply.msgType());
        assertEquals("ok", reply.content().path("status").asText());
        assertEquals(1, reply.content().path("execution_count").asInt());
        List<Message> io = client.iopubUntilIdle(id);
        assertEquals(List.of("status:busy", "execute_input", "stream", "status:idle"), KernelClient.types(io));
        assertEquals("hello", io.get(1).content().path("code").asText());
        assertEquals(1, io.get(1).content().path("execution_count").asInt());
        // Two stream writes are coalesced into one message.
        assertEquals("stdout", io.get(2).content().path("name").asText());
        assertEquals("hello!", io.get(2).content().path("text").asText());

        assertEquals(2, countOf(client.execute("again")));

        ObjectNode silent = Json.object().put("silent", true);
        String sid = client.execute("quiet", silent);
        assertEquals("ok", client.reply(client.shell, sid).content().path("status").asText());
        assertEquals(List.of("status:busy", "status:idle"), KernelClient.types(client.iopubUntilIdle(sid)));
        assertTrue(executor.executed.get(2).silent());

        assertEquals(2, countOf(client.execute("unstored", Json.object().put("store_history", false))));
        assertEquals(3, countOf(client.execute("third")));
    }

    private int countOf(String id) {
        Message reply = client.reply(client.shell, id);
        client.iopubUntilIdle(id);
        return reply.content().path("execution_count").asInt();
    }

    @Test
    void anErrorBecomesAnErrorOutputAndAnErrorReply() {
        String id = client.execute("fail");
        Message reply = client.reply(client.shell, id);
        JsonNode c = reply.content();
        assertEquals("error", c.path("status").asText());
        assertEquals("ValueError", c.path("ename").asText());
        assertEquals("bad value", c.path("evalue").asText());
        assertEquals("ValueError: bad value", c.path("traceback").get(1).asText());
        assertEquals(1, c.path("execution_count").asInt());
        List<Message> io = client.iopubUntilIdle(id);
        assertEquals(List.of("status:busy", "execute_input", "error", "status:idle"), KernelClient.types(io));
        assertEquals(c.path("traceback"), io.get(2).content().path("traceback"));
        assertEquals("ValueError", io.get(2).content().path("ename").asText());
    }

    @Test
    void anExecutorExceptionIsReportedWithoutAJavaStackTrace() {
        String id = client.execute("boom");
        JsonNode c = client.reply(client.shell, id).content();
        assertEquals("error", c.path("status").asText());
        assertEquals("IllegalStateException", c.path("ename").asText());
        assertEquals("kaput", c.path("evalue").asText());
        assertFalse(c.path("traceback").toString().contains("at livykernel"));
        client.iopubUntilIdle(id);
        // The kernel keeps working.
        assertEquals("ok", client.reply(client.shell, client.execute("fine")).content().path("status").asText());
    }

    @Test
    void requestsQueuedBehindAFailedCellAreAborted() throws Exception {
        String failing = client.execute("gate");
        String second = client.execute("second");
        String silentOne = client.execute("third", Json.object().put("silent", true));
        String info = client.send(client.shell, "kernel_info_request", Json.object());
        // The kernel must have queued them before the gate opens, or they would not be behind the failure.
        assertTrue(server.awaitDelivered(List.of(second, silentOne, info), KernelClient.TIMEOUT));
        executor.gate.countDown();

        assertEquals("error", client.reply(client.shell, failing).content().path("status").asText());
        for (String id : List.of(second, silentOne)) {
            Message reply = client.reply(client.shell, id);
            assertEquals(Json.object().put("status", "aborted"), reply.content());
        }
        assertEquals("kernel_info_reply", client.reply(client.shell, info).msgType());
        assertEquals(List.of("status:busy", "execute_input", "error", "status:idle"),
                KernelClient.types(client.iopubUntilIdle(failing)));
        assertEquals(List.of("status:busy", "status:idle"), KernelClient.types(client.iopubUntilIdle(second)));
        assertEquals(List.of("status:busy", "status:idle"), KernelClient.types(client.iopubUntilIdle(silentOne)));
        assertEquals(1, executor.executed.size());

        // Requests sent after the failure run normally.
        Message later = client.reply(client.shell, client.execute("later"));
        assertEquals("ok", later.content().path("status").asText());
        assertEquals(2, later.content().path("execution_count").asInt());
    }

    @Test
    void controlAnswersWhileACellRunsAndInterruptReachesTheExecutor() throws Exception {
        String running = client.execute("sleep");
        assertTrue(executor.sleeping.await(10, TimeUnit.SECONDS));

        String info = client.send(client.control, "kernel_info_request", Json.object());
        assertEquals("kernel_info_reply", client.reply(client.control, info).msgType());
        assertNull(client.receive(client.shell, Duration.ZERO), "cell should still be running");

        String interrupt = client.send(client.control, "interrupt_request", Json.object());
        assertEquals("ok", client.reply(client.control, interrupt).content().path("status").asText());
        assertEquals(1, executor.interrupts.get());

        JsonNode c = client.reply(client.shell, running).content();
        assertEquals("error", c.path("status").asText());
        assertEquals("KeyboardInterrupt", c.path("ename").asText());
        client.iopubUntilIdle(running);
    }

    @Test
    void aFloodOfBadlySignedMessagesExecutesNothing() {
        WireCodec wrongKey = new WireCodec(new HmacSigner("hmac-sha256", "guess".getBytes(StandardCharsets.UTF_8)));
        WireCodec unsigned = new WireCodec(new HmacSigner("hmac-sha256", new byte[0]));
        for (int i = 0; i < 300; i++) {
            ObjectNode content = Json.object().put("code", "evil" + i);
            Message m = new Message(List.of(), Header.create("execute_request", "attacker", "x"), null, null,
                    content, null);
            KernelClient.sendFrames(client.shell, (i % 2 == 0 ? wrongKey : unsigned).encode(m));
            List<byte[]> garbage = new ArrayList<>();
            garbage.add("<IDS|MSG>".getBytes(StandardCharsets.UTF_8));
            garbage.add(("junk" + i).getBytes(StandardCharsets.UTF_8));
            KernelClient.sendFrames(i % 3 == 0 ? client.control : client.shell, garbage);
        }
        String id = client.execute("legit");
        Message reply = client.reply(client.shell, id);
        assertEquals("ok", reply.content().path("status").asText());
        assertEquals(1, reply.content().path("execution_count").asInt());
        assertEquals(List.of("legit"), executor.executed.stream().map(Cell::code).toList());
        String info = client.send(client.control, "kernel_info_request", Json.object());
        assertEquals("kernel_info_reply", client.reply(client.control, info).msgType());
    }

    @Test
    void heartbeatEchoesFrames() {
        byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
        client.hb.send(ping, 0);
        client.hb.setReceiveTimeOut(5000);
        assertArrayEquals(ping, client.hb.recv(0));
    }

    @Test
    void commOpenToAnUnknownTargetIsClosedAtOnce() {
        ObjectNode open = Json.object().put("comm_id", "c-1").put("target_name", "nobody.home");
        open.putObject("data");
        String id = client.send(client.shell, "comm_open", open);
        List<Message> io = client.iopubUntilIdle(id);
        assertEquals(List.of("status:busy", "comm_close", "status:idle"), KernelClient.types(io));
        assertEquals("c-1", io.get(1).content().path("comm_id").asText());
    }

    @Test
    void commsRouteToRegisteredTargetsAndKernelSideOpens() {
        AtomicReference<JsonNode> received = new AtomicReference<>();
        kernel.registerCommTarget("test.target", (comm, data, msg) -> {
            comm.onMessage((c, d, m) -> {
                received.set(d);
                c.send(Json.object().put("echo", d.path("x").asInt()), Json.object(), List.of(), m.header().json());
            });
        });
        ObjectNode open = Json.object().put("comm_id", "c-2").put("target_name", "test.target");
        open.putObject("data");
        client.iopubUntilIdle(client.send(client.shell, "comm_open", open));

        ObjectNode msg = Json.object().put("comm_id", "c-2");
        msg.putObject("data").put("x", 7);
        String msgId = client.send(client.shell, "comm_msg", msg);
        List<Message> io = client.iopubUntilIdle(msgId);
        assertEquals(List.of("status:busy", "comm_msg", "status:idle"), KernelClient.types(io));
        assertEquals(7, io.get(1).content().path("data").path("echo").asInt());
        assertEquals(7, received.get().path("x").asInt());

        String infoId = client.send(client.shell, "comm_info_request", Json.object().put("target_name", "test.target"));
        JsonNode comms = client.reply(client.shell, infoId).content().path("comms");
        assertEquals("test.target", comms.path("c-2").path("target_name").asText());
        String noneId = client.send(client.shell, "comm_info_request", Json.object().put("target_name", "other"));
        assertEquals(0, client.reply(client.shell, noneId).content().path("comms").size());

        JsonNode parent = Json.object().put("msg_id", "cell-parent");
        Comm mine = kernel.comms().open("jupyter.widget", Json.object().put("state", 1),
                Json.object().put("version", "2.1.0"), parent);
        Message opened = client.nextIopub(m -> "comm_open".equals(m.msgType()));
        assertEquals("cell-parent", opened.parentHeader().path("msg_id").asText());
        assertEquals(mine.id(), opened.content().path("comm_id").asText());
        assertEquals("jupyter.widget", opened.content().path("target_name").asText());
        assertEquals("2.1.0", opened.metadata().path("version").asText());
        mine.send(Json.object().put("method", "update"), Json.object(), List.of(new byte[] {5}), parent);
        Message update = client.nextIopub(m -> "comm_msg".equals(m.msgType()));
        assertArrayEquals(new byte[] {5}, update.buffers().get(0));
    }

    @Test
    void richOutputsCarryTheExecuteRequestAsParent() {
        String id = client.execute("display");
        Message reply = client.reply(client.shell, id);
        assertEquals(1, reply.content().path("execution_count").asInt());
        List<Message> io = client.iopubUntilIdle(id);
        assertEquals(List.of("status:busy", "execute_input", "display_data", "update_display_data",
                "execute_result", "clear_output", "stream", "status:idle"), KernelClient.types(io));
        assertEquals("d-1", io.get(2).content().path("transient").path("display_id").asText());
        assertEquals("d-1", io.get(3).content().path("transient").path("display_id").asText());
        assertEquals(1, io.get(4).content().path("execution_count").asInt());
        assertEquals("<b>42</b>", io.get(4).content().path("data").path("text/html").asText());
        assertTrue(io.get(5).content().path("wait").asBoolean());
        assertEquals("stderr", io.get(6).content().path("name").asText());
    }

    @Test
    void smallRequestsGetWellFormedReplies() {
        String ic = client.send(client.shell, "is_complete_request", Json.object().put("code", "for i in x:"));
        JsonNode c = client.reply(client.shell, ic).content();
        assertEquals("incomplete", c.path("status").asText());
        assertEquals("    ", c.path("indent").asText());

        String comp = client.send(client.shell, "complete_request",
                Json.object().put("code", "é𝔘x").put("cursor_pos", 2));
        c = client.reply(client.shell, comp).content();
        assertEquals("ok", c.path("status").asText());
        assertEquals(0, c.path("matches").size());
        assertEquals(2, c.path("cursor_start").asInt());
        assertEquals(2, c.path("cursor_end").asInt());
        assertTrue(c.path("metadata").isObject());

        String insp = client.send(client.shell, "inspect_request",
                Json.object().put("code", "x").put("cursor_pos", 1).put("detail_level", 0));
        c = client.reply(client.shell, insp).content();
        assertEquals("ok", c.path("status").asText());
        assertFalse(c.path("found").asBoolean(true));

        String exec = client.execute("1 + 1");
        client.reply(client.shell, exec);
        client.iopubUntilIdle(exec);
        String hist = client.send(client.shell, "history_request", Json.object().put("hist_access_type", "tail")
                .put("n", 5).put("output", false).put("raw", true));
        c = client.reply(client.shell, hist).content();
        assertEquals("ok", c.path("status").asText());
        assertEquals(1, c.path("history").size());
        assertEquals("1 + 1", c.path("history").get(0).get(2).asText());
    }

    @Test
    void shutdownRepliesReleasesTheExecutorAndEndsRun() throws Exception {
        String id = client.send(client.control, "shutdown_request", Json.object().put("restart", false));
        JsonNode c = client.reply(client.control, id).content();
        assertEquals("ok", c.path("status").asText());
        assertFalse(c.path("restart").asBoolean(true));
        assertTrue(kernel.awaitShutdown(Duration.ofSeconds(10)));
        assertEquals(List.of(false), executor.shutdowns);
    }
}
