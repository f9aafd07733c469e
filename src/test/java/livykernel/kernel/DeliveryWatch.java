package livykernel.kernel;

import livykernel.wire.Message;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A server wrapped so a test can wait until the kernel has taken given requests in (queued
 * them), instead of sleeping and hoping they arrived.
 */
final class DeliveryWatch implements KernelServer {

    private final KernelServer inner;
    private final Set<String> delivered = new HashSet<>();   // guarded by this

    DeliveryWatch(KernelServer inner) {
        this.inner = inner;
    }

    @Override
    public void start(RequestHandler handler) {
        inner.start(new RequestHandler() {
            @Override
            public void received(KernelServer.Channel channel, livykernel.wire.Message request) {
                handler.received(channel, request);
                synchronized (DeliveryWatch.this) {
                    delivered.add(request.header().msgId());
                    DeliveryWatch.this.notifyAll();
                }
            }

            @Override
            public void subscribed(String topic) {
                handler.subscribed(topic);
            }
        });
    }

    /** True once the kernel has received (and queued) every request in {@code msgIds}. */
    synchronized boolean awaitDelivered(List<String> msgIds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!delivered.containsAll(msgIds)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    @Override
    public void reply(Channel channel, Message reply) {
        inner.reply(channel, reply);
    }

    @Override
    public void publish(Message message) {
        inner.publish(message);
    }

    @Override
    public void close() {
        inner.close();
    }
}
