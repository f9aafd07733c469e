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

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kernel started before its cells' side is wired, as Main starts it ({@link DeferredCells}):
 * kernel_info is answered at once; the rest waits for the wiring, in arrival order.
 */
class ServingBeforeWiringTest {

    private final FakeExecutor executor = new FakeExecutor();
    private final InMemoryServer server = new InMemoryServer();
    private final DeferredCells cells = new DeferredCells();
    private JupyterKernel kernel;

    @BeforeEach
    void start() throws InterruptedException {
        kernel = new JupyterKernel(server, cells, cells, false);
        kernel.start(cells.ready());
        assertEquals("starting", server.nextIopub().content().path("execution_state").asText());
    }

    @AfterEach
    void stop() {
        kernel.close();
    }

    private Header execute(String code) {
        return server.send(Channel.SHELL, "execute_request", Json.object().put("code", code).put("silent", false)
                .put("store_history", true).put("stop_on_error", true));
    }

    @Test
    void kernelInfoIsAnsweredWhileTheRestWaitsInOrderForTheWiring() throws InterruptedException {
        // What a client sends first, answered before anything is wired.
        Header info = server.send(Channel.SHELL, "kernel_info_request", Json.object());
        assertEquals("kernel_info_reply", server.reply(Channel.SHELL, info).msgType());

        // A front end's widget manager opens its comm at once; its target is registered while wiring.
        List<String> opened = new CopyOnWriteArrayList<>();
        ObjectNode open = Json.object().put("comm_id", "c-1").put("target_name", "late.target");
        Header commOpen = server.send(Channel.SHELL, "comm_open", open);
        Header cell = execute("first");
        Header secondInfo = server.send(Channel.SHELL, "kernel_info_request", Json.object());
        assertTrue(server.noReplyPending(Channel.SHELL), "the cell waits for the wiring");
        assertEquals(List.of(), executor.executed);

        // Registered while wiring, as Main registers the progress widget's targets.
        kernel.registerCommTarget("late.target", (comm, data, m) -> opened.add(comm.id()));
        cells.wire(executor, Completer.NONE);

        Message reply = server.reply(Channel.SHELL, cell);
        assertEquals("ok", reply.content().path("status").asText());
        assertEquals("first", executor.executed.get(0).code());
        List<Message> io = server.iopubUntilIdle(commOpen);
        assertFalse(KernelClient.types(io).contains("comm_close"), "the comm was refused: " + KernelClient.types(io));
        assertEquals(List.of("c-1"), opened);
        // Requests keep their order: a kernel_info behind the cell is answered after it.
        assertEquals("kernel_info_reply", server.reply(Channel.SHELL, secondInfo).msgType());
    }

    @Test
    void aFailedWiringIsReportedByEveryCellInOneSentence() throws InterruptedException {
        cells.wiringFailed(new IllegalStateException("no scheduler"));
        Header cell = execute("1 + 1");
        JsonNode reply = server.reply(Channel.SHELL, cell).content();
        assertEquals("error", reply.path("status").asText());
        assertEquals("KernelSetupError", reply.path("ename").asText());
        assertTrue(reply.path("evalue").asText().contains("no scheduler"), reply.toString());
        Header info = server.send(Channel.SHELL, "kernel_info_request", Json.object());
        assertEquals("kernel_info_reply", server.reply(Channel.SHELL, info).msgType());
    }

    @Test
    void aShutdownDuringWiringReachesTheExecutorOnceItIsWired() throws InterruptedException {
        CountDownLatch replied = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            cells.shutdown(true);
            replied.countDown();
        });
        shutdown.start();
        assertFalse(replied.await(100, TimeUnit.MILLISECONDS), "the shutdown waits for the wiring");
        cells.wire(executor, Completer.NONE);
        assertTrue(replied.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(true), executor.shutdowns);
    }
}
