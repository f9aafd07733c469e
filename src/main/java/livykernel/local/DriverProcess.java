package livykernel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Python process running the REPL driver: JSON requests on its stdin, JSON events on its
 * stdout, log lines on its stderr. Knows nothing about Livy's states.
 */
final class DriverProcess {
    private static final Logger LOG = LoggerFactory.getLogger(DriverProcess.class);
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            // Jackson refuses strings over 20 M characters by default; a big print is cut later, with a note.
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build());

    private final Process process;
    private final OutputStream stdin;

    private DriverProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    /**
     * Starts the driver; {@code events} gets each JSON event, {@code logLine} each stderr line,
     * and {@code exited} the exit code once both streams are closed and the process is gone.
     */
    static DriverProcess start(String python, Path script, String name, Consumer<JsonNode> events,
                               Consumer<String> logLine, Consumer<Integer> exited) throws IOException {
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
        DriverProcess driver = new DriverProcess(p);
        Thread out = new Thread(() -> driver.readEvents(events), name + "-events");
        Thread err = new Thread(() -> driver.readLog(logLine), name + "-log");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
        Thread waiter = new Thread(() -> {
            try {
                int code = p.waitFor();
                out.join(2000);
                err.join(2000);
                exited.accept(code);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-exit");
        waiter.setDaemon(true);
        waiter.start();
        return driver;
    }

    private void readEvents(Consumer<JsonNode> events) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    LOG.warn("driver {} sent a line that is not JSON: {}", process.pid(), e.getMessage());
                    continue;
                }
                try {
                    events.accept(node);
                } catch (RuntimeException e) {
                    LOG.warn("driver event handling failed", e);
                }
            }
        } catch (IOException e) {
            LOG.debug("driver {} event stream closed: {}", process.pid(), e.toString());
        }
    }

    private void readLog(Consumer<String> logLine) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                logLine.accept(line);
            }
        } catch (IOException e) {
            LOG.debug("driver {} log stream closed: {}", process.pid(), e.toString());
        }
    }

    /** Sends one request; false when the process is gone. */
    synchronized boolean send(Map<String, ?> request) {
        try {
            stdin.write(JSON.writeValueAsBytes(request));
            stdin.write('\n');
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Resident memory of the driver and its descendants (the Spark JVM), in KiB, from /proc; -1 if unknown. */
    long treeRssKib() {
        long total = 0;
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
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
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        try {
            stdin.close(); // EOF: the driver exits at once, and its JVM follows when its own stdin closes
        } catch (IOException ignored) {
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
}
