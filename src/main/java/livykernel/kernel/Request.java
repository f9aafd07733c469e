package livykernel.kernel;

import livykernel.kernel.KernelServer.Channel;
import livykernel.wire.Message;

/** A verified incoming request, the channel to reply on, and its arrival number on that channel. */
record Request(Message message, Channel channel, long seq) {

    String msgType() {
        return message.msgType();
    }
}
