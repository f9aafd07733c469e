package livykernel.kernel;

import livykernel.kernel.KernelServer.Channel;
import livykernel.wire.Message;

import java.time.Instant;

/** A verified incoming request, the channel to reply on, its arrival number on that channel and arrival time. */
record Request(Message message, Channel channel, long seq, Instant received) {

    String msgType() {
        return message.msgType();
    }
}
