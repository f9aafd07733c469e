package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.Header;
import livykernel.wire.Json;
import livykernel.wire.Message;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A {@link KernelServer} with no sockets: the test plays the front end, handing requests to the
 * kernel on its own thread and reading replies and iopub messages from queues. Requests count
 * as verified, as they would after a ZMQ server checked their signature.
 */
final class InMemoryServer implements KernelServer {

    static final long TIMEOUT_MS = 10_000;

    final String session = "memory-session";
    private final Map<Channel, BlockingQueue<Message>> replies = new EnumMap<>(Channel.class);
    private final BlockingQueue<Message> iopub = new LinkedBlockingQueue<>();
    private final List<Message> iopubBacklog = new ArrayList<>();   // test thread only
    private volatile RequestHandler handler;
    volatile boolean closed;

    InMemoryServer() {
        for (Channel c : Channel.values()) {
            replies.put(c, new LinkedBlockingQueue<>());
        }
    }

    @Override
    public void start(RequestHandler handler) {
        this.handler = handler;
    }

    @Override
    public void reply(Channel channel, Message reply) {
        replies.get(channel).add(reply);
    }

    @Override
    public void publish(Message message) {
        iopub.add(message);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Delivers a request as the front end would send it; returns its header. */
    Header send(Channel channel, String msgType, JsonNode content) {
        return send(channel, msgType, content, Json.object());
    }

    /** As {@link #send(Channel, String, JsonNode)}, with the request's message metadata. */
    Header send(Channel channel, String msgType, JsonNode content, JsonNode metadata) {
        Header header = Header.create(msgType, session, "tester");
        handler.received(channel, new Message(List.of(), header, Json.object(), metadata, content, List.of()));
        return header;
    }

    /** The next reply on {@code channel}, which must answer {@code request}. */
    Message reply(Channel channel, Header request) throws InterruptedException {
        Message m = replies.get(channel).poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(m, "no reply on " + channel + " to " + request.msgType());
        assertEquals(request.json(), m.parentHeader(), "reply parent");
        return m;
    }

    boolean noReplyPending(Channel channel) {
        return replies.get(channel).isEmpty();
    }

    /** The next iopub message, backlog first; fails after the timeout. */
    Message nextIopub() throws InterruptedException {
        if (!iopubBacklog.isEmpty()) {
            return iopubBacklog.remove(0);
        }
        Message m = iopub.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(m, "no iopub message");
        return m;
    }

    /** The next iopub message matching {@code wanted}; the ones skipped stay for later reads. */
    Message nextIopub(Predicate<Message> wanted) throws InterruptedException {
        List<Message> skipped = new ArrayList<>();
        try {
            while (true) {
                Message m = nextIopub();
                if (wanted.test(m)) {
                    return m;
                }
                skipped.add(m);
            }
        } finally {
            iopubBacklog.addAll(0, skipped);
        }
    }

    /** Every iopub message with {@code request} as parent, through its idle status. */
    List<Message> iopubUntilIdle(Header request) throws InterruptedException {
        List<Message> out = new ArrayList<>();
        while (true) {
            Message m = nextIopub(x -> request.json().equals(x.parentHeader()));
            out.add(m);
            if (KernelClient.isIdleFor(m, request.msgId())) {
                return out;
            }
        }
    }
}
