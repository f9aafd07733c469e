package livykernel.livy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollerTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Poller poller = new Poller(scheduler);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void pollsUntilAStepHasAResultAndPassesTheElapsedTime() throws Exception {
        List<Long> elapsed = new CopyOnWriteArrayList<>();
        AtomicInteger polls = new AtomicInteger();
        String result = poller.follow(PollingPolicy.DEFAULT, e -> {
            elapsed.add(e);
            return polls.incrementAndGet() == 5 ? "done" : null;
        }).await();
        assertEquals("done", result);
        assertEquals(5, elapsed.size());
        for (int i = 1; i < elapsed.size(); i++) {
            assertTrue(elapsed.get(i) >= elapsed.get(i - 1), elapsed.toString());
        }
    }

    @Test
    void aStepsExceptionReachesTheWaiter() {
        Poller.Following<String> f = poller.follow(PollingPolicy.DEFAULT, e -> {
            throw new LivyException(503, "Livy said no");
        });
        LivyException e = assertThrows(LivyException.class, f::await);
        assertEquals(503, e.status());
    }

    @Test
    void wakeRunsTheNextPollAtOnceInsteadOfAfterTheDelay() throws Exception {
        // Every delay of this policy is an hour: only a wake can bring a poll within the test.
        PollingPolicy hourly = new PollingPolicy(Duration.ofHours(1), Duration.ofHours(1), 0, Duration.ofHours(1));
        AtomicInteger polls = new AtomicInteger();
        CountDownLatch firstPoll = new CountDownLatch(1);
        Poller.Following<String> f = poller.follow(hourly, e -> {
            firstPoll.countDown();
            return polls.incrementAndGet() == 2 ? "woken twice" : null;
        });
        f.wake();
        assertTrue(firstPoll.await(5, TimeUnit.SECONDS), "a wake polls at once");
        f.wake();
        assertEquals("woken twice", f.await());
    }

    @Test
    void anInterruptedWaiterStopsThePolling() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Poller.Following<String> f = poller.follow(PollingPolicy.DEFAULT, e -> {
            polls.incrementAndGet();
            return null;
        });
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, f::await);
        int seen = polls.get();
        // Nothing is scheduled any more: a task queued after the stop runs with no poll before it.
        scheduler.submit(() -> { }).get(5, TimeUnit.SECONDS);
        scheduler.schedule(() -> { }, 100, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
        assertTrue(polls.get() <= seen + 1, "polls went on after the stop: " + polls.get() + " > " + seen);
    }
}
