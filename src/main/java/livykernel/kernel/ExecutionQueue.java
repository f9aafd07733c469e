package livykernel.kernel;

import livykernel.kernel.KernelServer.Channel;
import livykernel.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Shell requests in arrival order, handled one at a time on the execution thread so the
 * shell socket thread never blocks. Also remembers which requests were already queued when
 * a cell failed, so they can be aborted (stop_on_error).
 */
final class ExecutionQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionQueue.class);

    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final AtomicLong lastSeq = new AtomicLong();
    private volatile long abortThrough = -1;
    private volatile boolean running = true;
    private Thread thread;

    /** Called from the server's shell thread. */
    void enqueue(Message message) {
        queue.add(new Request(message, Channel.SHELL, lastSeq.incrementAndGet()));
    }

    /** Marks every request received so far as aborted. */
    void abortQueued() {
        abortThrough = lastSeq.get();
    }

    boolean isAborted(Request request) {
        return request.seq() <= abortThrough;
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
