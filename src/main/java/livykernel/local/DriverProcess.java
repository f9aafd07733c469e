package livykernel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Python process running the REPL driver: JSON requests in, JSON events out, log lines.
 * Either our child (its stdin, stdout and stderr), or a warm spare another kernel left running,
 * reached over a loopback socket (events and its log both arrive on the socket).
 * Events that arrive before someone {@link #listen listens} are kept for them, so a spare can
 * start, become ready and then be handed to a session without losing its "ready".
 * Knows nothing about Livy's states.
 */
final class DriverProcess {
    private static final Logger LOG = LoggerFactory.getLogger(DriverProcess.class);
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            // Jackson refuses strings over 20 M characters by default; a big print is cut later, with a note.
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build());
    private static final int KEPT_LOG_LINES = 500;

    /** Where a driver's events, log lines and exit go. */
    interface Listener {
        void event(JsonNode event);

        void logLine(String line);

        void exited(int code);
    }

    private final ProcessHandle handle;
    private final OutputStream requests;
    private final AutoCloseable channel;
    private final long startedAt = System.currentTimeMillis();
    private volatile boolean ready;
    private final CompletableFuture<Integer> detachedPort = new CompletableFuture<>();
    private Listener listener;
    private final List<JsonNode> keptEvents = new ArrayList<>();
    private final ArrayDeque<String> keptLog = new ArrayDeque<>();
    private Integer keptExit;
    // Not `this`, which send() holds: a listener takes its session's lock, and a session sends
    // while holding it, so one lock for both would deadlock.
    private final Object delivery = new Object();

    private DriverProcess(ProcessHandle handle, OutputStream requests, AutoCloseable channel) {
        this.handle = handle;
        this.requests = requests;
        this.channel = channel;
    }

    /** Starts the driver as our child; nothing is delivered until someone {@link #listen}s. */
    static DriverProcess start(String python, Path script, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(python, "-u", script.toString());
        Map<String, String> env = pb.environment();
        // Spark binds every interface and advertises the host's address unless told otherwise.
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        // Executors' Python workers must be the same interpreter as the driver.
        env.put("PYSPARK_PYTHON", python);
        env.remove("PYSPARK_DRIVER_PYTHON");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONIOENCODING", "utf-8");
        env.put("MPLBACKEND", "Agg");
        Process p = pb.start();
        DriverProcess driver = new DriverProcess(p.toHandle(), p.getOutputStream(), p.getOutputStream());
        Thread out = daemon(() -> driver.readEvents(p.getInputStream()), name + "-events");
        Thread err = daemon(() -> driver.readLog(p.getErrorStream()), name + "-log");
        daemon(() -> {
            try {
                int code = p.waitFor();
                out.join(2000);
                err.join(2000);
                driver.deliverExit(code);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-exit");
        return driver;
    }

    /**
     * Reaches a spare another kernel left running on loopback {@code port}: sends the token and
     * waits for the driver's "adopted". Null when it does not answer so (gone, wrong token, not ours).
     */
    static DriverProcess connect(int port, String token, long pid, String name) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write((token + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null || !"adopted".equals(JSON.readTree(first).path("type").asText())
                    || JSON.readTree(first).path("pid").asLong() != pid) {
                socket.close();
                return null;
            }
            socket.setSoTimeout(0);
            ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
            if (handle == null) {
                socket.close();
                return null;
            }
            DriverProcess driver = new DriverProcess(handle, out, socket);
            daemon(() -> {
                driver.readEvents(in);
                try {
                    handle.onExit().get(3, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // not gone yet: its channel is, which is what the session cares about
                }
                driver.deliverExit(-1); // not our child: its exit code is not ours to read
            }, name + "-events");
            return driver;
        } catch (IOException | RuntimeException e) {
            LOG.info("the spare driver on port {} did not answer: {}", port, e.toString());
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to close
            }
            return null;
        }
    }

    /** From now on {@code l} gets everything, starting with what arrived before. */
    void listen(Listener l) {
        List<JsonNode> events;
        List<String> log;
        Integer exit;
        synchronized (delivery) {
            events = new ArrayList<>(keptEvents);
            log = new ArrayList<>(keptLog);
            exit = keptExit;
            keptEvents.clear();
            keptLog.clear();
            // Deliveries that race with this handover wait on the lock and then go to l, in order.
            listener = l;
            for (String line : log) {
                l.logLine(line);
            }
            for (JsonNode ev : events) {
                l.event(ev);
            }
            if (exit != null) {
                l.exited(exit);
            }
        }
    }

    private void deliverEvent(JsonNode ev) {
        synchronized (delivery) {
            if (listener != null) {
                listener.event(ev);
            } else {
                keptEvents.add(ev);
            }
        }
    }

    private void deliverLog(String line) {
        synchronized (delivery) {
            if (listener != null) {
                listener.logLine(line);
            } else {
                keptLog.addLast(line);
                if (keptLog.size() > KEPT_LOG_LINES) {
                    keptLog.removeFirst();
                }
            }
        }
    }

    private void deliverExit(int code) {
        synchronized (delivery) {
            if (listener != null) {
                listener.exited(code);
            } else {
                keptExit = code;
            }
        }
    }

    private void readEvents(InputStream stream) {
        readEvents(new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8)));
    }

    private void readEvents(BufferedReader r) {
        try (r) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    LOG.warn("driver {} sent a line that is not JSON: {}", handle.pid(), e.getMessage());
                    continue;
                }
                try {
                    String type = node.path("type").asText();
                    if ("log".equals(type)) {
                        deliverLog(node.path("line").asText());
                    } else if ("detached".equals(type)) {
                        detachedPort.complete(node.path("port").asInt());
                    } else {
                        if ("ready".equals(type)) {
                            ready = true;
                        }
                        deliverEvent(node);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("driver event handling failed", e);
                }
            }
        } catch (IOException e) {
            LOG.debug("driver {} event stream closed: {}", handle.pid(), e.toString());
        }
    }

    private void readLog(InputStream stream) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                deliverLog(line);
            }
        } catch (IOException e) {
            LOG.debug("driver {} log stream closed: {}", handle.pid(), e.toString());
        }
    }

    /** Sends one request; false when the process is gone. */
    synchronized boolean send(Map<String, ?> request) {
        try {
            requests.write(JSON.writeValueAsBytes(request));
            requests.write('\n');
            requests.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return handle.pid();
    }

    /** True once the driver said its SparkSession is up. */
    boolean isReady() {
        return ready;
    }

    /**
     * Asks the driver to outlive this process: it listens on a loopback port for a kernel that
     * brings {@code token}, and exits by itself when {@code lease} ends first. The port, or -1.
     */
    int detach(String token, java.time.Duration lease, long waitMillis) {
        if (!send(Map.of("op", "detach", "token", token, "lease", lease.toMillis() / 1000.0))) {
            return -1;
        }
        try {
            return detachedPort.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    boolean isAlive() {
        return handle.isAlive();
    }

    /** When this kernel started (or reached) the driver, in epoch milliseconds. */
    long startedAt() {
        return startedAt;
    }

    /** Resident memory of the driver and its descendants (the Spark JVM), in KiB, from /proc; -1 if unknown. */
    long treeRssKib() {
        long total = 0;
        List<ProcessHandle> all = new ArrayList<>();
        all.add(handle);
        handle.descendants().forEach(all::add);
        for (ProcessHandle h : all) {
            try {
                for (String l : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
                    if (l.startsWith("VmRSS:")) {
                        total += Long.parseLong(l.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return total;
    }

    /**
     * Ends the driver and everything it started. Descendants are listed first: once Python is
     * gone its Spark JVM is re-parented and no longer findable as a descendant.
     */
    CompletableFuture<Void> killTree(long graceMillis) {
        List<ProcessHandle> tree = new ArrayList<>();
        handle.descendants().forEach(tree::add);
        tree.add(handle);
        try {
            channel.close(); // EOF: the driver exits at once, and its JVM follows when its own stdin closes
        } catch (Exception ignored) {
            // already closed
        }
        for (ProcessHandle h : tree) {
            h.destroy();
        }
        return CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
            for (ProcessHandle h : tree) {
                long left = deadline - System.nanoTime();
                try {
                    if (left > 0) {
                        h.onExit().get(left, TimeUnit.NANOSECONDS);
                    }
                } catch (Exception ignored) {
                    // fall through to the forcible kill
                }
                if (h.isAlive()) {
                    LOG.warn("process {} did not exit within {} ms; killing it", h.pid(), graceMillis);
                    h.destroyForcibly();
                }
            }
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
