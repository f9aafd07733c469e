package livykernel.transport;

import java.util.List;

/** Thread-safe entry to the iopub PUB socket: any thread may publish, one thread sends. */
public final class IopubPublisher {

    private final ZmqChannel channel;

    public IopubPublisher(ZmqChannel channel) {
        this.channel = channel;
    }

    /** Publishes one multipart message (topic frame first); never blocks. */
    public void publish(List<byte[]> frames) {
        channel.send(frames);
    }
}
