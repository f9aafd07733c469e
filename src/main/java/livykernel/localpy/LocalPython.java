package livykernel.localpy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.display.Errors;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.kernel.RequestContext;
import livykernel.wire.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel's own local Python (where {@code %%local} runs and {@code -o} DataFrames live): a
 * child ipykernel started on first use, whose outputs are relayed into the cell that ran the
 * code. Interrupting the cell interrupts the child; {@link #shutdown()} ends it.
 */
public final class LocalPython {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPython.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long interrupted code may take to stop before the child is ended: a cell never hangs. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** What the startup helpers print before their JSON answer. */
    public static final String RESULT_MARKER = "\u001elivy-kernel-local:";

    private final String python;
    private final String configKey;
    private volatile ChildKernel child;

    /** {@code configKey} names the setting that chose {@code python}, for the message when it cannot start. */
    public LocalPython(String python, String configKey) {
        this.python = python;
        this.configKey = configKey;
    }

    /** The outcome of kernel-internal code: the cell's result and what it printed on stdout. */
    public record Hidden(CellResult result, String stdout) {
    }

    /** Runs user code, its outputs shown in the cell; the error, if any, is the cell's result. */
    public CellResult run(String code, CellOutput out) {
        return execute(code, out, true).result();
    }

    /** Runs the kernel's own code (the -o and send_to_spark helpers); stdout is returned, not shown. */
    public Hidden runQuietly(String code, CellOutput out) {
        return execute(code, out, false);
    }

    /** Starts the child if it is not running; the error says why it could not (before any Spark work is wasted). */
    public synchronized CellResult start(CellOutput out) {
        try {
            ensureStarted(out);
            return CellResult.success();
        } catch (StartFailure e) {
            return Errors.usage("LocalPythonError", e.getMessage());
        }
    }

    /** Whether the child is running now (false before first use and after it died). */
    public boolean running() {
        ChildKernel c = child;
        return c != null && c.alive();
    }

    private synchronized Hidden execute(String code, CellOutput out, boolean relay) {
        ChildKernel c;
        try {
            c = ensureStarted(out);
        } catch (StartFailure e) {
            return new Hidden(Errors.usage("LocalPythonError", e.getMessage()), "");
        }
        RequestContext request = out.context();
        if (request.isInterrupted()) {
            return new Hidden(Errors.interrupted("The local code was not run."), "");
        }
        ObjectNode content = Json.object();
        content.put("code", code).put("silent", false).put("store_history", relay)
                .put("allow_stdin", false).put("stop_on_error", true);
        content.putObject("user_expressions");
        String id = c.send("execute_request", content);
        IopubRelay relayTo = new IopubRelay(id, out, relay);
        AtomicLong deadline = new AtomicLong(Long.MAX_VALUE);
        try (RequestContext.Registration ignored = request.onInterrupt(() -> {
            deadline.set(System.currentTimeMillis() + STOP_GRACE.toMillis());
            c.interrupt();
        })) {
            boolean finished = c.pump(relayTo::accept, relayTo::idle, deadline::get);
            if (!finished) {
                boolean stuck = c.alive();
                String tail = c.outputTail();
                c.close();
                child = null;
                return new Hidden(stuck ? Errors.interrupted("The local code did not stop within "
                        + STOP_GRACE.toSeconds() + " s of the interrupt, so the local Python was ended; the next %%local "
                        + "starts a new one with an empty namespace.")
                        : Errors.usage("LocalPythonError", "The local Python (" + python + ") exited while "
                        + "running the cell" + (tail.isEmpty() ? "" : ": " + tail) + ". The next %%local starts a "
                        + "new one with an empty namespace."), relayTo.stdout());
            }
        }
        return new Hidden(relayTo.result(), relayTo.stdout());
    }

    private ChildKernel ensureStarted(CellOutput out) throws StartFailure {
        ChildKernel c = child;
        if (c != null && c.alive()) {
            return c;
        }
        if (c != null) {
            c.close();
            child = null;
            out.stream("stderr", "The local Python had exited; starting a new one (its variables are gone).\n");
        }
        try {
            c = ChildKernel.launch(python);
        } catch (IOException e) {
            throw new StartFailure("Could not start the local Python '" + python + "': " + e.getMessage()
                    + ". Set " + configKey + " to a Python interpreter that has ipykernel installed.");
        }
        if (!c.awaitReady(START_TIMEOUT.toMillis())) {
            String tail = c.outputTail();
            boolean exited = !c.alive();
            c.close();
            throw new StartFailure("The local Python '" + python + "' " + (exited ? "exited at start" : "did not answer within "
                    + START_TIMEOUT.toSeconds() + " s") + (tail.isEmpty() ? "" : " (" + tail + ")") + ". Set " + configKey
                    + " to a Python interpreter that has ipykernel, pandas and matplotlib installed.");
        }
        LOG.info("local python started (pid {})", c.pid());
        child = c;
        return c;
    }

    /** Ends the child if one runs; safe from any thread (the kernel's shutdown). */
    public void shutdown() {
        ChildKernel c = child;
        if (c != null) {
            c.destroy();
        }
    }

    private static final class StartFailure extends Exception {
        StartFailure(String message) {
            super(message);
        }
    }
}
