package livykernel.kernel;

import livykernel.wire.Header;
import livykernel.wire.Message;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutionQueueTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now = T0;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private static Message execute(String date) {
        Header h = Header.of("id-" + date, "s", "u", date, "execute_request", "5.3");
        return new Message(List.of(), h, null, null, null, null);
    }

    /** Enqueues the messages and returns the Requests the execution thread takes, in order. */
    private static List<Request> drain(ExecutionQueue queue, int n, Runnable enqueue) throws InterruptedException {
        List<Request> taken = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(n);
        queue.start(r -> {
            synchronized (taken) {
                taken.add(r);
            }
            done.countDown();
        });
        enqueue.run();
        assertTrue(done.await(10, TimeUnit.SECONDS), "requests were not handed to the execution thread");
        queue.stop();
        return taken;
    }

    @Test
    void requestsReceivedBeforeTheFailureAreAbortedAndOnesSentAfterItRun() throws Exception {
        HandClock clock = new HandClock();
        ExecutionQueue queue = new ExecutionQueue(clock);
        List<Request> taken = drain(queue, 1, () -> queue.enqueue(execute("")));
        assertEquals(false, queue.isAborted(taken.get(0)), "nothing has failed yet");
        queue.abortQueued();
        assertTrue(queue.isAborted(taken.get(0)), "received before the failure, even without a date");

        clock.advance(Duration.ofMillis(10));
        // The client saw the error reply and sent this one after it: it must run.
        Request after = new Request(execute("2026-12-02T10:00:00.005000Z"), KernelServer.Channel.SHELL, 2,
                clock.instant());
        assertEquals(false, queue.isAborted(after));
    }

    @Test
    void aRequestSentBeforeTheFailureButReceivedAfterItIsAborted() {
        HandClock clock = new HandClock();
        ExecutionQueue queue = new ExecutionQueue(clock);
        queue.abortQueued(); // the first cell failed at T0; nothing else had arrived yet
        clock.advance(Duration.ofMillis(300));
        Request late = new Request(execute("2026-12-02T09:59:59.990000+00:00"), KernelServer.Channel.SHELL, 1,
                clock.instant());
        assertTrue(queue.isAborted(late), "Run All's second cell reached the kernel late but was sent first");
    }

    @Test
    void aDateIsNotTrustedLongAfterTheFailureNorWhenItHasNoZone() {
        HandClock clock = new HandClock();
        ExecutionQueue queue = new ExecutionQueue(clock);
        queue.abortQueued();
        clock.advance(ExecutionQueue.LATE_ARRIVAL_WINDOW.plusMillis(1));
        Request skewed = new Request(execute("2026-12-02T09:59:00.000000Z"), KernelServer.Channel.SHELL, 1,
                clock.instant());
        assertEquals(false, queue.isAborted(skewed), "a client clock that runs behind must not abort a new cell");

        Request noZone = new Request(execute("2026-12-02T09:59:59.000000"), KernelServer.Channel.SHELL, 2,
                T0.plusMillis(5));
        Request noDate = new Request(execute(""), KernelServer.Channel.SHELL, 3, T0.plusMillis(5));
        assertEquals(false, queue.isAborted(noZone));
        assertEquals(false, queue.isAborted(noDate));
    }
}
