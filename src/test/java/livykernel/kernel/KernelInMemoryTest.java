package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.kernel.KernelServer.Channel;
import livykernel.wire.Header;
import livykernel.wire.Json;
import livykernel.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel driven entirely in memory through {@link InMemoryServer}: no sockets, no ports,
 * no signing. Each request is handed to the kernel on the test thread, as a server thread
 * would, so "queued before" is a fact of the test, not a matter of timing.
 */
class KernelInMemoryTest {

    private FakeExecutor executor;
    private InMemoryServer server;
    private JupyterKernel kernel;

    @BeforeEach
    void start() throws InterruptedException {
        executor = new FakeExecutor();
        server = new InMemoryServer();
        kernel = new JupyterKernel(server, executor, Completer.NONE, false);
        kernel.start();
        Message starting = server.nextIopub();
        assertEquals("status", starting.msgType());
        assertEquals("starting", starting.content().path("execution_state").asText());
        assertEquals(Json.object(), starting.parentHeader());
    }

    @AfterEach
    void stop() {
        kernel.close();
        assertTrue(server.closed, "the kernel closes its server");
    }

    /** The request's iopub messages, checked to be bracketed by busy and idle. */
    private List<String> bracketed(Header request) throws InterruptedException {
        List<String> types = KernelClient.types(server.iopubUntilIdle(request));
        assertEquals("status:busy", types.get(0), "first message for " + request.msgType());
        assertEquals("status:idle", types.get(types.size() - 1));
        return types.subList(1, types.size() - 1);
    }

    private Header execute(String code) {
        return execute(code, Json.object());
    }

    private Header execute(String code, ObjectNode extra) {
        ObjectNode c = Json.object().put("code", code).put("silent", false).put("store_history", true)
                .put("stop_on_error", true);
        c.setAll(extra);
        return server.send(Channel.SHELL, "execute_request", c);
    }

    @Test
    void kernelInfoRepliesOnTheChannelItCameFrom() throws InterruptedException {
        for (Channel channel : List.of(Channel.SHELL, Channel.CONTROL)) {
            Header request = server.send(channel, "kernel_info_request", Json.object());
            Message reply = server.reply(channel, request);
            assertEquals("kernel_info_reply", reply.msgType());
            assertEquals("5.3", reply.content().path("protocol_version").asText());
            assertEquals("livy-kernel", reply.content().path("implementation").asText());
            assertEquals("python", reply.content().path("language_info").path("name").asText());
            assertEquals(List.of(), bracketed(request));
        }
        assertTrue(server.noReplyPending(Channel.SHELL) && server.noReplyPending(Channel.CONTROL));
    }

    @Test
    void executePublishesOutputsWithTheRequestAsParent() throws InterruptedException {
        Header request = execute("display");
        Message reply = server.reply(Channel.SHELL, request);
        assertEquals("execute_reply", reply.msgType());
        assertEquals("ok", reply.content().path("status").asText());
        assertEquals(1, reply.content().path("execution_count").asInt());

        List<Message> io = server.iopubUntilIdle(request);
        for (Message m : io) {
            assertEquals(request.json(), m.parentHeader(), m.msgType() + " parent");
        }
        assertEquals(List.of("status:busy", "execute_input", "display_data", "update_display_data",
                "execute_result", "clear_output", "stream", "status:idle"), KernelClient.types(io));
        assertEquals("display", io.get(1).content().path("code").asText());
        assertEquals("d-1", io.get(2).content().path("transient").path("display_id").asText());
        assertEquals(1, io.get(4).content().path("execution_count").asInt());
        assertEquals("warn\n", io.get(6).content().path("text").asText());

        Header echo = execute("hi");
        assertEquals(2, server.reply(Channel.SHELL, echo).content().path("execution_count").asInt());
        List<Message> echoed = server.iopubUntilIdle(echo);
        assertEquals("hi!", echoed.get(2).content().path("text").asText());
    }

    @Test
    void anotherBusyGoesOutOnlyForARequestThatRecordsTimingAndOnlyWhileItRuns() throws InterruptedException {
        ObjectNode c = Json.object().put("code", "restart").put("silent", false);
        Header timed = server.send(Channel.SHELL, "execute_request", c, Json.object().put("recordTiming", true));
        server.reply(Channel.SHELL, timed);
        List<Message> io = server.iopubUntilIdle(timed);
        assertEquals(List.of("status:busy", "execute_input", "status:busy", "stream", "status:idle"), KernelClient.types(io));
        assertEquals(timed.json(), io.get(2).parentHeader());
        assertEquals("restarted true", io.get(3).content().path("text").asText());
        // Once the cell is done its idle may be out: no busy after it.
        assertFalse(executor.lastOutput.restartBusy());

        Header untimed = server.send(Channel.SHELL, "execute_request", c, Json.object().put("recordTiming", false));
        server.reply(Channel.SHELL, untimed);
        List<Message> plain = server.iopubUntilIdle(untimed);
        assertEquals(List.of("status:busy", "execute_input", "stream", "status:idle"), KernelClient.types(plain));
        assertEquals("restarted false", plain.get(2).content().path("text").asText());
    }

    @Test
    void exitRepliesWithAnAskExitPayloadAndRunsNothing() throws InterruptedException {
        Header exit = execute("exit");
        JsonNode reply = server.reply(Channel.SHELL, exit).content();
        assertEquals("ok", reply.path("status").asText());
        assertEquals(1, reply.path("execution_count").asInt());
        assertEquals(Json.object().put("source", "ask_exit").put("keepkernel", false), reply.path("payload").path(0));
        assertEquals(List.of("execute_input"), bracketed(exit));

        Header keep = execute("quit(keep_kernel=True)");
        assertTrue(server.reply(Channel.SHELL, keep).content().path("payload").path(0).path("keepkernel").asBoolean());
        assertEquals(List.of(), executor.executed);
    }

    @Test
    void anErrorRepliesErrorAndAbortsWhatWasQueuedBehindIt() throws InterruptedException {
        Header failing = execute("gate");
        Header second = execute("second");
        Header silent = execute("third", Json.object().put("silent", true));
        Header info = server.send(Channel.SHELL, "kernel_info_request", Json.object());
        executor.gate.countDown();

        JsonNode error = server.reply(Channel.SHELL, failing).content();
        assertEquals("error", error.path("status").asText());
        assertEquals("RuntimeError", error.path("ename").asText());
        assertEquals("after gate", error.path("evalue").asText());
        assertEquals(1, error.path("execution_count").asInt());
        for (Header aborted : List.of(second, silent)) {
            assertEquals(Json.object().put("status", "aborted"), server.reply(Channel.SHELL, aborted).content());
        }
        assertEquals("kernel_info_reply", server.reply(Channel.SHELL, info).msgType());
        List<Message> io = server.iopubUntilIdle(failing);
        assertEquals(List.of("status:busy", "execute_input", "error", "status:idle"), KernelClient.types(io));
        assertEquals(error.path("traceback"), io.get(2).content().path("traceback"));
        assertEquals(List.of(), bracketed(second));
        assertEquals(List.of(), bracketed(silent));
        assertEquals(List.of(), bracketed(info));
        assertEquals(1, executor.executed.size());

        Header later = execute("later");
        JsonNode ok = server.reply(Channel.SHELL, later).content();
        assertEquals("ok", ok.path("status").asText());
        assertEquals(2, ok.path("execution_count").asInt());
    }

    @Test
    void interruptReachesTheRunningCellThroughItsContext() throws InterruptedException {
        Header running = execute("sleep");
        assertTrue(executor.sleeping.await(10, TimeUnit.SECONDS));
        assertTrue(server.noReplyPending(Channel.SHELL), "cell should still be running");

        Header interrupt = server.send(Channel.CONTROL, "interrupt_request", Json.object());
        Message reply = server.reply(Channel.CONTROL, interrupt);
        assertEquals("interrupt_reply", reply.msgType());
        assertEquals(Json.object().put("status", "ok"), reply.content());
        assertEquals(1, executor.interrupts.get());
        assertEquals(List.of(), bracketed(interrupt));

        JsonNode c = server.reply(Channel.SHELL, running).content();
        assertEquals("error", c.path("status").asText());
        assertEquals("KeyboardInterrupt", c.path("ename").asText());
        assertEquals(List.of("execute_input", "error"), bracketed(running));
    }

    @Test
    void commsOpenedByTheFrontEndRouteToTheirTarget() throws InterruptedException {
        List<JsonNode> opened = new CopyOnWriteArrayList<>();
        List<JsonNode> closedWith = new CopyOnWriteArrayList<>();
        kernel.registerCommTarget("test.target", (comm, data, openMessage) -> {
            opened.add(data);
            comm.onMessage((c, d, m) -> c.send(Json.object().put("echo", d.path("x").asInt()), Json.object(),
                    List.of(), m.header().json()));
            comm.onClose(closedWith::add);
        });

        ObjectNode open = Json.object().put("comm_id", "c-1").put("target_name", "test.target");
        open.putObject("data").put("hello", 1);
        Header openRequest = server.send(Channel.SHELL, "comm_open", open);
        assertEquals(List.of(), bracketed(openRequest));
        assertEquals(1, opened.get(0).path("hello").asInt());

        ObjectNode msg = Json.object().put("comm_id", "c-1");
        msg.putObject("data").put("x", 7);
        Header msgRequest = server.send(Channel.SHELL, "comm_msg", msg);
        List<Message> io = server.iopubUntilIdle(msgRequest);
        assertEquals(List.of("status:busy", "comm_msg", "status:idle"), KernelClient.types(io));
        assertEquals(msgRequest.json(), io.get(1).parentHeader(), "a reply to a comm message has it as parent");
        assertEquals("c-1", io.get(1).content().path("comm_id").asText());
        assertEquals(7, io.get(1).content().path("data").path("echo").asInt());

        Header infoRequest = server.send(Channel.SHELL, "comm_info_request", Json.object());
        JsonNode comms = server.reply(Channel.SHELL, infoRequest).content().path("comms");
        assertEquals("test.target", comms.path("c-1").path("target_name").asText());

        ObjectNode close = Json.object().put("comm_id", "c-1");
        close.putObject("data").put("bye", true);
        Header closeRequest = server.send(Channel.SHELL, "comm_close", close);
        assertEquals(List.of(), bracketed(closeRequest));
        assertTrue(closedWith.get(0).path("bye").asBoolean());
        Header infoAfter = server.send(Channel.SHELL, "comm_info_request", Json.object());
        assertEquals(0, server.reply(Channel.SHELL, infoAfter).content().path("comms").size());

        ObjectNode unknown = Json.object().put("comm_id", "c-2").put("target_name", "nobody.home");
        Header unknownRequest = server.send(Channel.SHELL, "comm_open", unknown);
        List<Message> rejected = server.iopubUntilIdle(unknownRequest);
        assertEquals(List.of("status:busy", "comm_close", "status:idle"), KernelClient.types(rejected));
        assertEquals("c-2", rejected.get(1).content().path("comm_id").asText());
        assertEquals(unknownRequest.json(), rejected.get(1).parentHeader());
    }

    @Test
    void kernelSideCommsPublishWithTheParentTheyAreGiven() throws InterruptedException {
        JsonNode parent = Header.create("execute_request", "memory-session", "tester").json();
        Comm comm = kernel.comms().open("jupyter.widget", Json.object().put("state", 1),
                Json.object().put("version", "2.1.0"), parent);
        Message opened = server.nextIopub(m -> "comm_open".equals(m.msgType()));
        assertEquals(parent, opened.parentHeader());
        assertEquals(comm.id(), opened.content().path("comm_id").asText());
        assertEquals("2.1.0", opened.metadata().path("version").asText());

        comm.send(Json.object().put("method", "update"), Json.object(), List.of(new byte[] {5}), parent);
        Message update = server.nextIopub(m -> "comm_msg".equals(m.msgType()));
        assertEquals(parent, update.parentHeader());
        assertEquals(1, update.buffers().size());

        comm.close(Json.object(), parent);
        assertEquals(parent, server.nextIopub(m -> "comm_close".equals(m.msgType())).parentHeader());
        assertTrue(comm.isClosed());
    }

    @Test
    void shutdownRepliesReleasesTheExecutorAndEndsTheKernel() throws InterruptedException {
        Header request = server.send(Channel.CONTROL, "shutdown_request", Json.object().put("restart", true));
        Message reply = server.reply(Channel.CONTROL, request);
        assertEquals("shutdown_reply", reply.msgType());
        assertEquals(Json.object().put("status", "ok").put("restart", true), reply.content());
        assertEquals(List.of(), bracketed(request));
        assertTrue(kernel.awaitShutdown(Duration.ofSeconds(10)));
        assertEquals(List.of(true), executor.shutdowns);
        assertFalse(server.closed, "run() closes the kernel, not the request");
    }

    @Test
    void shutdownInterruptsTheRunningCellBeforeReleasingTheExecutor() throws InterruptedException {
        Header running = execute("sleep");
        assertTrue(executor.sleeping.await(10, TimeUnit.SECONDS));

        Header request = server.send(Channel.CONTROL, "shutdown_request", Json.object().put("restart", false));
        assertEquals("shutdown_reply", server.reply(Channel.CONTROL, request).msgType());
        assertTrue(kernel.awaitShutdown(Duration.ofSeconds(10)));
        assertEquals(1, executor.interrupts.get(), "the running cell's context is interrupted");
        assertEquals(List.of(false), executor.shutdowns);

        JsonNode c = server.reply(Channel.SHELL, running).content();
        assertEquals("KeyboardInterrupt", c.path("ename").asText());
        assertEquals(List.of("execute_input", "error"), bracketed(running));
    }
}
