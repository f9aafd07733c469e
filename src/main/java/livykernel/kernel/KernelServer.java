package livykernel.kernel;

import livykernel.wire.Message;

import java.util.Locale;

/**
 * What the kernel needs from the front end's connection: verified requests per channel in,
 * replies and iopub publications out. Authentication, framing and threads belong to the
 * implementation, so the kernel can be driven over ZMQ or entirely in memory.
 */
public interface KernelServer extends AutoCloseable {

    /** The channels requests arrive on; a reply goes back on the request's channel. */
    enum Channel {
        SHELL, CONTROL, STDIN;

        /** The name front ends use for the channel, for logs. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Receives each verified request; must return quickly (it runs on a server thread). */
    @FunctionalInterface
    interface RequestHandler {
        void received(Channel channel, Message request);

        /** A front end subscribed to iopub with {@code topic} (servers that can tell, as an XPUB socket can). */
        default void subscribed(String topic) {
        }
    }

    /** Starts delivering requests to {@code handler}; messages that fail verification never reach it. */
    void start(RequestHandler handler);

    /** Sends {@code reply} (carrying the request's routing identities) on {@code channel}; any thread. */
    void reply(Channel channel, Message reply);

    /** Publishes {@code message} on iopub (its identities are the topic); any thread, never blocks. */
    void publish(Message message);

    /** Sends what is queued and releases the connection. */
    @Override
    void close();
}
