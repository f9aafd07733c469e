package livykernel.kernel;

import livykernel.transport.ZmqChannel;
import livykernel.wire.Message;

/** A verified incoming request, the channel to reply on, and its arrival number on that channel. */
record Request(Message message, ZmqChannel channel, long seq) {

    String msgType() {
        return message.msgType();
    }
}
