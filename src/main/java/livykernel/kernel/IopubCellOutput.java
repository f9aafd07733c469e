package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        messenger.publish(parent, "display_data", bundle(data, metadata, displayId));
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
        messenger.publish(parent, "update_display_data", bundle(data, metadata, displayId));
    }

    @Override
    public synchronized void executeResult(Map<String, Object> data, Map<String, Object> metadata) {
        if (silent) {
            return;
        }
        flushLocked();
        ObjectNode content = bundle(data, metadata, null);
        content.put("execution_count", executionCount);
        messenger.publish(parent, "execute_result", content);
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
        ObjectNode content = Json.object();
        content.put("wait", wait);
        messenger.publish(parent, "clear_output", content);
    }

    /** Publishes an {@code error} output. */
    synchronized void error(String ename, String evalue, Iterable<String> traceback) {
        if (silent) {
            return;
        }
        flushLocked();
        ObjectNode content = Json.object();
        content.put("ename", ename);
        content.put("evalue", evalue);
        traceback.forEach(content.putArray("traceback")::add);
        messenger.publish(parent, "error", content);
    }

    /** Flushes buffered stream text; called before the execute_reply. */
    synchronized void finish() {
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
        ObjectNode content = Json.object();
        content.put("name", pendingName);
        content.put("text", pending.toString());
        pending.setLength(0);
        pendingName = null;
        messenger.publish(parent, "stream", content);
    }

    private static ObjectNode bundle(Map<String, Object> data, Map<String, Object> metadata, String displayId) {
        ObjectNode content = Json.object();
        content.set("data", data == null ? Json.object() : Json.MAPPER.valueToTree(data));
        content.set("metadata", metadata == null ? Json.object() : Json.MAPPER.valueToTree(metadata));
        if (displayId != null && !displayId.isEmpty()) {
            content.putObject("transient").put("display_id", displayId);
        }
        return content;
    }
}
