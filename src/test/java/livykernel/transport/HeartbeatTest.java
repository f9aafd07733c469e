package livykernel.transport;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeartbeatTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMultipartPingIsEchoedWholeAndTheHeartbeatKeepsEchoing() {
        try (ZContext ctx = new ZContext()) {
            Heartbeat hb = new Heartbeat(ctx, "tcp", "127.0.0.1", 0, null);
            hb.start();
            ZMQ.Socket req = ctx.createSocket(SocketType.REQ);
            req.setReceiveTimeOut(5000);
            req.connect("tcp://127.0.0.1:" + hb.port());
            req.sendMore(b("one"));
            req.send(b("two"));
            assertArrayEquals(b("one"), req.recv());
            assertTrue(req.hasReceiveMore());
            assertArrayEquals(b("two"), req.recv());
            req.send(b("ping"));
            assertArrayEquals(b("ping"), req.recv(), "the heartbeat stopped after a multipart ping");
            hb.close();
        }
    }

    @Test
    void onlyOneFrameSubscriptionsWithAClientsTopicAreGreeted() {
        assertEquals("", KernelTransport.subscription(new byte[]{1}));
        assertEquals("kernel.abc", KernelTransport.subscription(b("\u0001kernel.abc")));
        assertNull(KernelTransport.subscription(new byte[]{0}), "an unsubscription");
        assertNull(KernelTransport.subscription(new byte[0]));
        assertNull(KernelTransport.subscription(new byte[]{1, (byte) 0xff, (byte) 0xfe}), "not UTF-8");
        assertNull(KernelTransport.subscription(new byte[2000]), "not a subscription");
        assertNull(KernelTransport.subscription(b("\u0001<IDS|MSG>")), "a topic that would break the greeting");
        byte[] long1 = new byte[1100];
        java.util.Arrays.fill(long1, (byte) 'a');
        long1[0] = 1;
        assertNull(KernelTransport.subscription(long1), "a topic no client uses");
    }
}
