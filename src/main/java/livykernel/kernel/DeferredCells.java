package livykernel.kernel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cells' side of a kernel that serves before it is wired: Main answers kernel_info while
 * the configuration, the Livy client and the magics are still being built, and everything that
 * needs them waits here until {@link #wire} hands them over.
 */
public final class DeferredCells implements CellExecutor, Completer {

    // A shutdown (or SIGTERM) during wiring waits for it, so the executor's shutdown still runs.
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private record Wired(CellExecutor cells, Completer completer) {
    }

    private final CompletableFuture<Wired> wired = new CompletableFuture<>();

    /** Completes when the cells' side is wired, or exceptionally when wiring failed. */
    public CompletionStage<?> ready() {
        return wired.thenApply(w -> null);
    }

    public void wire(CellExecutor cells, Completer completer) {
        wired.complete(new Wired(cells, completer == null ? Completer.NONE : completer));
    }

    /** Every cell from now on reports {@code cause} instead of running. */
    public void wiringFailed(Throwable cause) {
        wired.completeExceptionally(cause);
    }

    @Override
    public CellResult execute(Cell cell, CellOutput out) throws InterruptedException {
        Wired w = await();
        return w == null ? setupFailed() : w.cells().execute(cell, out);
    }

    @Override
    public CellResult failed(Throwable e) {
        Wired w = wired.getNow(null);
        return w == null ? CellExecutor.super.failed(e) : w.cells().failed(e);
    }

    @Override
    public Completion complete(String code, int cursor) {
        Wired w = awaitQuietly();
        return w == null ? Completer.super.complete(code, cursor) : w.completer().complete(code, cursor);
    }

    @Override
    public Inspection inspect(String code, int cursor, int detailLevel) {
        Wired w = awaitQuietly();
        return w == null ? Completer.super.inspect(code, cursor, detailLevel) : w.completer().inspect(code, cursor, detailLevel);
    }

    @Override
    public void shutdown(boolean restart) {
        try {
            wired.get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS).cells().shutdown(restart);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // nothing was wired, so nothing holds remote resources
        }
    }

    /** The wired side, or null when wiring failed. */
    private Wired await() throws InterruptedException {
        try {
            return wired.get();
        } catch (ExecutionException e) {
            return null;
        }
    }

    private Wired awaitQuietly() {
        try {
            return await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private CellResult setupFailed() {
        Throwable cause = wired.handle((w, t) -> t).join();
        String why = String.valueOf(cause);
        String text = "livy-kernel could not set itself up (" + why + "). Restart the kernel; if it happens again, "
                + "the kernel's log (stderr) has the details.";
        return CellResult.error("KernelSetupError", text, List.of(text));
    }
}
