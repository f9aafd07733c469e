package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.protocol.ExecuteInput;
import livykernel.wire.protocol.ExecuteReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
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
            messenger.reply(request, new ExecuteReply.Aborted());
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
            messenger.publish(parent, new ExecuteInput(code, count));
        }

        Optional<Boolean> exit = ExitRequest.keepKernel(code);
        if (exit.isPresent()) {
            messenger.reply(request, new ExecuteReply.AskExit(count, exit.get()));
            return;
        }

        JsonNode requestMetadata = request.message().metadata();
        RequestContext context = new RequestContext(parent,
                requestMetadata != null && requestMetadata.path("recordTiming").asBoolean(false));
        IopubCellOutput out = new IopubCellOutput(messenger, context, count, silent, timer, history::setOutput);
        running = context;
        CellResult result;
        try {
            result = run(new Cell(code, count, silent, storeHistory), out);
        } finally {
            running = null;
        }
        out.finish();

        ExecuteReply reply;
        if (result.ok()) {
            reply = new ExecuteReply.Ok(count);
        } else {
            String ename = result.ename() == null ? "Error" : result.ename();
            String evalue = result.evalue() == null ? "" : result.evalue();
            List<String> traceback = result.traceback() == null ? List.of() : result.traceback();
            out.error(ename, evalue, traceback);
            reply = new ExecuteReply.Error(count, ename, evalue, traceback);
            if (stopOnError && !silent) {
                queue.abortQueued();
            }
        }
        messenger.reply(request, reply);
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
            return executor.failed(e);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw (VirtualMachineError) e;
            }
            // The user sees the class and message; the stack trace is for the log only.
            LOG.warn("cell executor failed", e);
            return executor.failed(e);
        }
    }
}
