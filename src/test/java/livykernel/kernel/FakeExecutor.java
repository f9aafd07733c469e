package livykernel.kernel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted executor: echoes the code to stdout; "fail" returns an error; "boom" throws;
 * "sleep" blocks until interrupted; "gate" blocks until the test opens the gate, then fails;
 * "display" publishes every kind of rich output; "restart" asks for another busy and prints
 * whether it went out.
 */
final class FakeExecutor implements CellExecutor {

    final List<Cell> executed = new CopyOnWriteArrayList<>();
    final CountDownLatch sleeping = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger interrupts = new AtomicInteger();
    final List<Boolean> shutdowns = new CopyOnWriteArrayList<>();
    volatile CellOutput lastOutput;

    @Override
    public CellResult execute(Cell cell, CellOutput out) throws InterruptedException {
        executed.add(cell);
        lastOutput = out;
        switch (cell.code()) {
            case "fail":
                return CellResult.error("ValueError", "bad value", List.of("Traceback (most recent call last):",
                        "ValueError: bad value"));
            case "boom":
                throw new IllegalStateException("kaput");
            case "sleep":
                Thread self = Thread.currentThread();
                try (var onInterrupt = out.context().onInterrupt(() -> {
                    interrupts.incrementAndGet();
                    self.interrupt();
                })) {
                    sleeping.countDown();
                    Thread.sleep(TimeUnit.SECONDS.toMillis(30));
                }
                return CellResult.success();
            case "gate":
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
                return CellResult.error("RuntimeError", "after gate", List.of("RuntimeError: after gate"));
            case "display":
                out.display(Map.of("text/plain", "shown"), Map.of(), "d-1");
                out.updateDisplay(Map.of("text/plain", "updated"), Map.of(), "d-1");
                out.executeResult(Map.of("text/plain", "42", "text/html", "<b>42</b>"), null);
                out.clearOutput(true);
                out.stream("stderr", "warn\n");
                return CellResult.success();
            case "restart":
                out.stream("stdout", "restarted " + out.restartBusy());
                return CellResult.success();
            default:
                out.stream("stdout", cell.code());
                out.stream("stdout", "!");
                return CellResult.success();
        }
    }

    @Override
    public void shutdown(boolean restart) {
        shutdowns.add(restart);
    }
}
