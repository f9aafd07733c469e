package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Routes a request to its handler by msg_type and brackets it with status busy/idle on iopub,
 * with the request as parent, for every request type (kernel_info included: clients wait for
 * iopub traffic after kernel_info_reply before they call a kernel ready).
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Messenger messenger;
    private final Map<String, Consumer<Request>> handlers;
    private final String channelName;

    Dispatcher(Messenger messenger, Map<String, Consumer<Request>> handlers, String channelName) {
        this.messenger = messenger;
        this.handlers = Map.copyOf(handlers);
        this.channelName = channelName;
    }

    void dispatch(Request request) {
        JsonNode parent = request.message().header().json();
        messenger.status(parent, Status.BUSY);
        try {
            Consumer<Request> handler = handlers.get(request.msgType());
            if (handler == null) {
                LOG.info("{}: unsupported message type {}", channelName, request.msgType());
            } else {
                handler.accept(request);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: handling {} failed", channelName, request.msgType(), e);
        } finally {
            messenger.status(parent, Status.IDLE);
        }
    }
}
