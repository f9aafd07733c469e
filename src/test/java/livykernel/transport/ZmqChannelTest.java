package livykernel.transport;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZmqChannelTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void routerDeliversWholeMessagesAndSendsFromManyThreads() throws Exception {
        try (ZContext ctx = new ZContext()) {
            ZmqChannel channel = new ZmqChannel(ctx, SocketType.ROUTER, "test", "tcp", "127.0.0.1", 0, null);
            List<List<byte[]>> received = new CopyOnWriteArrayList<>();
            CountDownLatch got = new CountDownLatch(1);
            channel.start(frames -> {
                received.add(frames);
                got.countDown();
            });
            ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
            dealer.setIdentity(b("me"));
            dealer.setReceiveTimeOut(5000);
            dealer.connect("tcp://127.0.0.1:" + channel.port());
            dealer.sendMore(b("a"));
            dealer.send(b("b"), 0);
            assertTrue(got.await(5, TimeUnit.SECONDS));
            List<byte[]> first = received.get(0);
            assertEquals(3, first.size());
            assertArrayEquals(b("me"), first.get(0));
            assertArrayEquals(b("b"), first.get(2));

            int threads = 8;
            int each = 200;
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread s = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        channel.send(List.of(b("me"), b("t" + id), b(Integer.toString(i))));
                    }
                });
                senders.add(s);
                s.start();
            }
            for (Thread s : senders) {
                s.join();
            }
            Set<String> seen = new HashSet<>();
            for (int k = 0; k < threads * each; k++) {
                byte[] thread = dealer.recv(0);
                assertNotNull(thread, "message " + k + " missing");
                assertTrue(dealer.hasReceiveMore());
                byte[] index = dealer.recv(0);
                seen.add(new String(thread, StandardCharsets.UTF_8) + "/" + new String(index, StandardCharsets.UTF_8));
            }
            assertEquals(threads * each, seen.size());
            channel.close();
        }
    }

    @Test
    void aThrowingHandlerDoesNotKillTheSocketThread() throws Exception {
        try (ZContext ctx = new ZContext()) {
            ZmqChannel channel = new ZmqChannel(ctx, SocketType.ROUTER, "test", "tcp", "127.0.0.1", 0, null);
            CountDownLatch second = new CountDownLatch(1);
            channel.start(frames -> {
                if (new String(frames.get(1), StandardCharsets.UTF_8).equals("bad")) {
                    throw new IllegalStateException("handler failure");
                }
                second.countDown();
            });
            ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
            dealer.connect("tcp://127.0.0.1:" + channel.port());
            dealer.send(b("bad"), 0);
            dealer.send(b("good"), 0);
            assertTrue(second.await(5, TimeUnit.SECONDS));
            channel.close();
        }
    }

    @Test
    void aPortTakenByAnotherProcessIsOneSentenceThatSaysStartAgain() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ZContext ctx = new ZContext()) {
            String endpoint = "tcp://127.0.0.1:" + taken.getLocalPort();
            BindFailedException e = org.junit.jupiter.api.Assertions.assertThrows(BindFailedException.class,
                    () -> new ZmqChannel(ctx, SocketType.ROUTER, "shell", "tcp", "127.0.0.1", taken.getLocalPort(), endpoint));
            assertTrue(e.portTaken());
            assertEquals("the shell port of the connection file (" + endpoint + ") is taken by another process; start the"
                    + " kernel again (the front end then picks new ports)", e.getMessage());
            BindFailedException hb = org.junit.jupiter.api.Assertions.assertThrows(BindFailedException.class,
                    () -> new Heartbeat(ctx, "tcp", "127.0.0.1", taken.getLocalPort(), endpoint));
            assertTrue(hb.portTaken() && hb.getMessage().startsWith("the hb port"), hb.getMessage());
        }
    }
}
