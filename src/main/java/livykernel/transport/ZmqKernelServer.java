package livykernel.transport;

import livykernel.kernel.KernelServer;
import livykernel.wire.ConnectionInfo;
import livykernel.wire.HmacSigner;
import livykernel.wire.InvalidMessageException;
import livykernel.wire.Message;
import livykernel.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel's server on the sockets of a connection file: decodes and verifies every incoming
 * message with the file's key before the kernel sees it, and signs everything it sends.
 */
public final class ZmqKernelServer implements KernelServer {

    /** Looked up on first use: SLF4J's provider discovery is not to delay binding the sockets. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ZmqKernelServer.class);
    }
    private static final int REJECTIONS_LOGGED_IN_FULL = 20;

    private final WireCodec codec;
    private final KernelTransport transport;
    private final AtomicLong rejected = new AtomicLong();

    /** Binds all sockets now (bind errors surface here); serving starts with {@link #start}. */
    public ZmqKernelServer(ConnectionInfo info) {
        // Sockets before the signer: a client's connection attempt waits 100 ms or more for the
        // next retry when it finds no listener.
        this.transport = new KernelTransport(info);
        try {
            this.codec = new WireCodec(HmacSigner.of(info));
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** The connection info with the ports actually bound (port 0 in the file binds any free port). */
    public ConnectionInfo connectionInfo() {
        return transport.bound();
    }

    @Override
    public void start(RequestHandler handler) {
        transport.start(
                frames -> decode(Channel.SHELL, frames, handler),
                frames -> decode(Channel.CONTROL, frames, handler),
                frames -> decode(Channel.STDIN, frames, handler),
                handler::subscribed);
        Log.LOG.info("kernel listening on {}", transport.bound());
    }

    @Override
    public void reply(Channel channel, Message reply) {
        ZmqChannel socket = switch (channel) {
            case SHELL -> transport.shell();
            case CONTROL -> transport.control();
            case STDIN -> transport.stdin();
        };
        socket.send(codec.encode(reply));
    }

    @Override
    public void publish(Message message) {
        transport.iopub().publish(codec.encode(message));
    }

    @Override
    public void close() {
        transport.close();
    }

    private void decode(Channel channel, List<byte[]> frames, RequestHandler handler) {
        Message message;
        try {
            message = codec.decode(frames);
        } catch (InvalidMessageException e) {
            long n = rejected.incrementAndGet();
            // Throttled so a flood cannot fill the log; the key is never logged.
            if (n <= REJECTIONS_LOGGED_IN_FULL || n % 1000 == 0) {
                Log.LOG.warn("{}: dropped message ({}); {} dropped so far", channel.wireName(), e.getMessage(), n);
            }
            return;
        }
        handler.received(channel, message);
    }
}
