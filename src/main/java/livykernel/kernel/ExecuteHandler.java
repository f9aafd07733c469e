package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The execute_request flow, in ipykernel's order: (busy) → execute_input → outputs →
 * execute_reply → (idle). Owns the execution counter and the stop_on_error abort.
 * Runs only on the execution thread.
 */
final class ExecuteHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ExecuteHandler.class);

    private final Messenger messenger;
    private final CellExecutor executor;
    private final History history;
    private final ExecutionQueue queue;
    private final ScheduledExecutorService timer;
    private int executionCount;
    private volatile RequestContext running;

    ExecuteHandler(Messenger messenger, CellExecutor executor, History history, ExecutionQueue queue,
                   ScheduledExecutorService timer) {
        this.messenger = messenger;
        this.executor = executor;
        this.history = history;
        this.queue = queue;
        this.timer = timer;
    }

    void handle(Request request) {
        if (queue.isAborted(request)) {
            // Queued behind a failed cell: exactly {"status":"aborted"}, as ipykernel replies.
            ObjectNode aborted = Json.object();
            aborted.put("status", "aborted");
            messenger.reply(request, "execute_reply", aborted);
            return;
        }
        JsonNode content = request.message().content();
        JsonNode parent = request.message().header().json();
        String code = content.path("code").asText("");
        boolean silent = content.path("silent").asBoolean(false);
        boolean storeHistory = !silent && content.path("store_history").asBoolean(true);
        boolean stopOnError = content.path("stop_on_error").asBoolean(true);

        if (storeHistory) {
            executionCount++;
            history.addInput(executionCount, code);
        }
        int count = executionCount;
        if (!silent) {
            ObjectNode input = Json.object();
            input.put("code", code);
            input.put("execution_count", count);
            messenger.publish(parent, "execute_input", input);
        }

        RequestContext context = new RequestContext(parent);
        IopubCellOutput out = new IopubCellOutput(messenger, context, count, silent, timer, history::setOutput);
        running = context;
        CellResult result;
        try {
            result = run(new Cell(code, count, silent, storeHistory), out);
        } finally {
            running = null;
        }
        out.finish();

        ObjectNode reply = Json.object();
        if (result.ok()) {
            reply.put("status", "ok");
        } else {
            String ename = result.ename() == null ? "Error" : result.ename();
            String evalue = result.evalue() == null ? "" : result.evalue();
            List<String> traceback = result.traceback() == null ? List.of() : result.traceback();
            out.error(ename, evalue, traceback);
            reply.put("status", "error");
            reply.put("ename", ename);
            reply.put("evalue", evalue);
            traceback.forEach(reply.putArray("traceback")::add);
            if (stopOnError && !silent) {
                queue.abortQueued();
            }
        }
        reply.put("execution_count", count);
        reply.putArray("payload");
        reply.putObject("user_expressions");
        messenger.reply(request, "execute_reply", reply);
    }

    /** Interrupts the running cell, if any (from the control thread). */
    void interrupt() {
        RequestContext c = running;
        if (c != null) {
            c.interrupt();
        }
    }

    private CellResult run(Cell cell, IopubCellOutput out) {
        try {
            CellResult result = executor.execute(cell, out);
            return result == null ? CellResult.success() : result;
        } catch (InterruptedException e) {
            Thread.interrupted();
            return CellResult.error("KeyboardInterrupt", "", List.of("KeyboardInterrupt"));
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw (VirtualMachineError) e;
            }
            // The user sees the class and message; the stack trace is for the log only.
            LOG.warn("cell executor failed", e);
            String ename = e.getClass().getSimpleName();
            String evalue = e.getMessage() == null ? "" : e.getMessage();
            return CellResult.error(ename, evalue, List.of(evalue.isEmpty() ? ename : ename + ": " + evalue));
        }
    }
}
