package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.protocol.ClearOutput;
import livykernel.wire.protocol.DisplayData;
import livykernel.wire.protocol.ErrorOutput;
import livykernel.wire.protocol.ExecuteResult;
import livykernel.wire.protocol.MimeBundle;
import livykernel.wire.protocol.Status;
import livykernel.wire.protocol.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Publishes a cell's outputs on iopub with its execute_request as parent. Consecutive stream
 * text of the same name is coalesced for a few milliseconds (fewer messages under jupyter_server's
 * rate limit); any other output, or {@link #finish}, flushes it first so order is kept.
 * A silent execution publishes nothing.
 */
final class IopubCellOutput implements CellOutput {

    private static final Logger LOG = LoggerFactory.getLogger(IopubCellOutput.class);
    static final long STREAM_FLUSH_MS = 20;
    private static final int STREAM_MAX_CHARS = 64 * 1024;

    private final Messenger messenger;
    private final RequestContext context;
    private final JsonNode parent;
    private final int executionCount;
    private final boolean silent;
    private final ScheduledExecutorService timer;
    private final BiConsumer<Integer, String> resultText;   // records text/plain for history

    private final StringBuilder pending = new StringBuilder();   // guarded by this
    private String pendingName;                                   // guarded by this
    private ScheduledFuture<?> pendingFlush;                      // guarded by this
    private boolean finished;                                     // guarded by this

    IopubCellOutput(Messenger messenger, RequestContext context, int executionCount, boolean silent,
                    ScheduledExecutorService timer, BiConsumer<Integer, String> resultText) {
        this.messenger = messenger;
        this.context = context;
        this.parent = context.parent();
        this.executionCount = executionCount;
        this.silent = silent;
        this.timer = timer;
        this.resultText = resultText;
    }

    @Override
    public RequestContext context() {
        return context;
    }

    @Override
    public synchronized void stream(String name, String text) {
        if (silent || text == null || text.isEmpty()) {
            return;
        }
        String stream = "stderr".equals(name) ? "stderr" : "stdout";
        if (pendingName != null && !pendingName.equals(stream)) {
            flushLocked();
        }
        pendingName = stream;
        pending.append(text);
        if (pending.length() >= STREAM_MAX_CHARS) {
            flushLocked();
        } else if (pendingFlush == null) {
            try {
                pendingFlush = timer.schedule(this::flush, STREAM_FLUSH_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                flushLocked(); // kernel closing: no timer left, send now
            }
        }
    }

    @Override
    public synchronized void display(Map<String, Object> data, Map<String, Object> metadata, String displayId) {
        if (silent) {
            return;
        }
        flushLocked();
        messenger.publish(parent, new DisplayData(new MimeBundle(data, metadata), displayId, false));
    }

    @Override
    public synchronized void updateDisplay(Map<String, Object> data, Map<String, Object> metadata,
                                           String displayId) {
        if (silent) {
            return;
        }
        if (displayId == null || displayId.isEmpty()) {
            LOG.warn("update_display_data without a display_id dropped");
            return;
        }
        flushLocked();
        messenger.publish(parent, new DisplayData(new MimeBundle(data, metadata), displayId, true));
    }

    @Override
    public synchronized void executeResult(Map<String, Object> data, Map<String, Object> metadata) {
        if (silent) {
            return;
        }
        flushLocked();
        messenger.publish(parent, new ExecuteResult(executionCount, new MimeBundle(data, metadata)));
        Object text = data == null ? null : data.get("text/plain");
        if (text != null) {
            resultText.accept(executionCount, text.toString());
        }
    }

    @Override
    public synchronized void clearOutput(boolean wait) {
        if (silent) {
            return;
        }
        flushLocked();
        messenger.publish(parent, new ClearOutput(wait));
    }

    /** Publishes an {@code error} output. */
    synchronized void error(String ename, String evalue, List<String> traceback) {
        if (silent) {
            return;
        }
        flushLocked();
        messenger.publish(parent, new ErrorOutput(ename, evalue, traceback));
    }

    @Override
    public synchronized boolean restartBusy() {
        if (silent || finished || !context.recordsTiming()) {
            return false;
        }
        flushLocked();
        messenger.status(parent, Status.BUSY);
        return true;
    }

    /** Flushes buffered stream text; called before the execute_reply (and so before the cell's idle). */
    synchronized void finish() {
        finished = true;
        flushLocked();
    }

    private synchronized void flush() {
        flushLocked();
    }

    private void flushLocked() {
        if (pendingFlush != null) {
            pendingFlush.cancel(false);
            pendingFlush = null;
        }
        if (pending.length() == 0) {
            return;
        }
        Stream stream = new Stream(pendingName, pending.toString());
        pending.setLength(0);
        pendingName = null;
        messenger.publish(parent, stream);
    }
}
