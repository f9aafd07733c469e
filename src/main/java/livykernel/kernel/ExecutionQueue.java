package livykernel.kernel;

import livykernel.kernel.KernelServer.Channel;
import livykernel.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Shell requests in arrival order, handled one at a time on the execution thread so the
 * shell socket thread never blocks. Also remembers which requests were already queued when
 * a cell failed, so they can be aborted (stop_on_error). "Already queued" is judged by the
 * client's own send time too: on a loaded machine Run All's later requests can reach this
 * queue after the first cell has failed, though the client sent them long before.
 */
final class ExecutionQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionQueue.class);

    // Bounds the harm of a client clock that runs behind the kernel's: a request that arrives
    // this long after a failure is never aborted for its date alone.
    static final Duration LATE_ARRIVAL_WINDOW = Duration.ofSeconds(1);

    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final AtomicLong lastSeq = new AtomicLong();
    private final Clock clock;
    private volatile long abortThrough = -1;
    private volatile Instant abortedAt;
    private volatile boolean running = true;
    private Thread thread;

    ExecutionQueue() {
        this(Clock.systemUTC());
    }

    ExecutionQueue(Clock clock) {
        this.clock = clock;
    }

    /** Called from the server's shell thread. */
    void enqueue(Message message) {
        queue.add(new Request(message, Channel.SHELL, lastSeq.incrementAndGet(), clock.instant()));
    }

    /** Marks every request received so far, or sent before now, as aborted. */
    void abortQueued() {
        abortThrough = lastSeq.get();
        abortedAt = clock.instant();
    }

    boolean isAborted(Request request) {
        if (request.seq() <= abortThrough) {
            return true;
        }
        Instant failedAt = abortedAt;
        if (failedAt == null || request.received().isAfter(failedAt.plus(LATE_ARRIVAL_WINDOW))) {
            return false;
        }
        Instant sent = sentAt(request.message().header().date());
        return sent != null && sent.isBefore(failedAt);
    }

    /** The header's date, or null when the client sent none or one without a time zone. */
    private static Instant sentAt(String date) {
        if (date == null || date.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(date).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    synchronized void start(Consumer<Request> handler) {
        thread = new Thread(() -> loop(handler), "kernel-execution");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Consumer<Request> handler) {
        while (running) {
            Request r;
            try {
                r = queue.take();
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
                continue; // a stray interrupt from a cell must not stop the kernel
            }
            try {
                handler.accept(r);
            } catch (RuntimeException e) {
                LOG.warn("shell request {} failed", r.msgType(), e);
            }
            Thread.interrupted(); // never carry an interrupt into the next request
        }
    }

    synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
