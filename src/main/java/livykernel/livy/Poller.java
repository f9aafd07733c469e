package livykernel.livy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one loop that follows something on Livy until it settles (a statement, a starting
 * session, a hidden helper statement): each poll runs on a scheduler at the delays of a
 * {@link Schedule} (a {@link PollingPolicy}, or a choice between two), and the caller waits on the result without sleeping or spinning.
 * What a poll does (outage riding, cancel, keep-alive) belongs to its {@link Step}.
 */
public final class Poller {

    /** One poll, given the time since following began; returns the result, or null to poll again. */
    @FunctionalInterface
    public interface Step<T> {
        T poll(long elapsedMillis);

        /**
         * Called from another thread when {@link Following#wake} finds this step's poll in flight:
         * a step that holds its request (a long-poll) ends it here, so the next poll comes at once.
         */
        default void abortPoll() {
        }
    }

    /** The delay before the next poll, given the time since following began. */
    @FunctionalInterface
    public interface Schedule {
        long nextDelayMillis(long elapsedMillis);
    }

    private final ScheduledExecutorService scheduler;

    public Poller(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Starts following: the first poll comes after the policy's first delay. */
    public <T> Following<T> follow(Schedule policy, Step<T> step) {
        Following<T> f = new Following<>(policy, step);
        f.schedule(policy.nextDelayMillis(0));
        return f;
    }

    /** One thing being followed: wait for its result, or ask for the next poll at once. */
    public final class Following<T> {

        private final Schedule policy;
        private final Step<T> step;
        private final long startNanos = System.nanoTime();
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private ScheduledFuture<?> next;      // guarded by this
        private boolean polling;              // guarded by this
        private boolean wakeRequested;        // guarded by this

        private Following(Schedule policy, Step<T> step) {
            this.policy = policy;
            this.step = step;
        }

        /** Polls now instead of after the current delay (e.g. an interrupt arrived); harmless when done. */
        public void wake() {
            boolean inFlight;
            synchronized (this) {
                if (result.isDone()) {
                    return;
                }
                inFlight = polling || next == null || !next.cancel(false);
                if (inFlight) {
                    wakeRequested = true; // the poll in flight reschedules at once
                }
            }
            if (inFlight) {
                step.abortPoll();
                return;
            }
            schedule(0);
        }

        /** Blocks until a step returns a result; a step's exception is rethrown here. */
        public T await() throws InterruptedException {
            try {
                return result.get();
            } catch (InterruptedException e) {
                stop();
                throw e;
            } catch (CancellationException e) {
                throw new IllegalStateException("polling was stopped", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }

        /** Stops polling; {@link #await} then fails. */
        public void stop() {
            synchronized (this) {
                if (next != null) {
                    next.cancel(false);
                }
            }
            result.cancel(false);
        }

        private long elapsedMillis() {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }

        private void schedule(long delayMillis) {
            synchronized (this) {
                if (result.isDone()) {
                    return;
                }
                try {
                    next = scheduler.schedule(this::pollOnce, delayMillis, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    result.completeExceptionally(new IllegalStateException("the kernel is shutting down", e));
                }
            }
        }

        private void pollOnce() {
            synchronized (this) {
                if (result.isDone()) {
                    return;
                }
                polling = true;
                wakeRequested = false;
            }
            T value;
            try {
                value = step.poll(elapsedMillis());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
                return;
            } finally {
                synchronized (this) {
                    polling = false;
                }
            }
            if (value != null) {
                result.complete(value);
                return;
            }
            boolean now;
            synchronized (this) {
                now = wakeRequested;
                wakeRequested = false;
            }
            schedule(now ? 0 : policy.nextDelayMillis(elapsedMillis()));
        }
    }
}
