package livykernel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one driver started ahead of need with the default Spark configuration (the one the
 * first session of this endpoint asked for), its SparkSession up and its namespace untouched.
 * A new session with that configuration runs on it instead of waiting for Spark to start.
 *
 * <p>On a kernel restart the spare outlives the kernel: it listens on a loopback port for a
 * caller that brings a random token, both recorded in a 0600 file next to the connection file,
 * and exits by itself when its lease ends unadopted. The restarted kernel's endpoint adopts it
 * when its Python and driver are the same, else ends it.
 */
final class WarmSpare implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarmSpare.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FAILURES = 2;

    private final SpareSettings settings;
    private final String python;
    private final Path script;
    private final String fingerprint;
    private DriverProcess driver;
    private Map<String, String> conf;
    private Map<String, String> defaultConf;
    private int failures;
    private boolean closed;

    WarmSpare(SpareSettings settings, String python, Path script) {
        this.settings = settings;
        this.python = python;
        this.script = script;
        this.fingerprint = fingerprint(python, script);
    }

    /**
     * The spare's driver for a new session with Spark configuration {@code wanted}, or null. The
     * first request tells the default configuration; a spare another kernel left with a
     * different one is ended then, since this kernel would never use it.
     */
    synchronized DriverProcess take(Map<String, String> wanted) {
        boolean first = defaultConf == null;
        if (first) {
            defaultConf = Map.copyOf(wanted);
        }
        if (driver == null || !settings.enabled()) {
            return null;
        }
        if (!driver.isAlive()) {
            discard("it exited before it was used");
            return null;
        }
        if (!wanted.equals(conf)) {
            if (first) {
                discard("its Spark configuration " + conf + " is not this kernel's default " + wanted);
            }
            return null;
        }
        DriverProcess d = driver;
        driver = null;
        return d;
    }

    /**
     * Starts a spare when there is none, the default configuration is known and every session
     * has been quiet for a while. Runs on the endpoint's reaper thread.
     */
    synchronized void tick(BooleanSupplier quiet) {
        if (!settings.enabled() || closed || defaultConf == null) {
            return;
        }
        if (driver != null && !driver.isAlive()) {
            failures++;
            discard("it exited while waiting to be used");
        }
        if (driver != null || failures >= MAX_FAILURES || !quiet.getAsBoolean()) {
            return;
        }
        try {
            DriverProcess d = DriverProcess.start(python, script, "livy-spare");
            Map<String, Object> init = new LinkedHashMap<>();
            init.put("op", "init");
            init.put("id", -1);
            init.put("appName", "livy-spare");
            init.put("conf", defaultConf);
            d.send(init);
            driver = d;
            conf = defaultConf;
            LOG.info("started warm spare driver pid {} with {}", d.pid(), conf);
        } catch (IOException e) {
            failures = MAX_FAILURES;
            LOG.warn("cannot start a warm spare driver with {}: {}", python, e.getMessage());
        }
    }

    /** For {@code %%info}: the spare's pid and whether its Spark is up. */
    synchronized String describe() {
        if (!settings.enabled()) {
            return "warm spare off";
        }
        if (driver == null || !driver.isAlive()) {
            return "no warm spare driver";
        }
        return "warm spare driver pid " + driver.pid() + (driver.isReady() ? " ready" : " starting");
    }

    /** Adopts the spare a previous kernel left in the hand-off file, if it is still there and ours. */
    synchronized void adoptHandedOff() {
        Path file = settings.handoffFile();
        if (file == null || !Files.exists(file)) {
            return;
        }
        JsonNode rec;
        try {
            rec = JSON.readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring the spare hand-off file {}: {}", file, e.getMessage());
            return;
        } finally {
            deleteQuietly(file); // one use only, whatever follows
        }
        if (rec.path("leaseEndsAt").asLong() <= System.currentTimeMillis()) {
            return; // it has ended by itself
        }
        DriverProcess d = DriverProcess.connect(rec.path("port").asInt(), rec.path("token").asText(),
                rec.path("pid").asLong(), "livy-spare");
        if (d == null) {
            return;
        }
        if (!settings.enabled() || !fingerprint.equals(rec.path("fingerprint").asText())) {
            LOG.info("ending the spare driver pid {} left by the previous kernel: {}", d.pid(),
                    settings.enabled() ? "another Python or driver version" : "the warm spare is off");
            d.killTree(3000);
            return;
        }
        Map<String, String> c = new LinkedHashMap<>();
        rec.path("conf").fields().forEachRemaining(e -> c.put(e.getKey(), e.getValue().asText()));
        driver = d;
        conf = Map.copyOf(c);
        LOG.info("adopted the warm spare driver pid {} the previous kernel left", d.pid());
    }

    /**
     * Leaves the spare running for the kernel that restarts with the same connection file.
     * True when it was handed off (the caller must then not kill it).
     */
    synchronized boolean handOff() {
        Path file = settings.handoffFile();
        if (file == null || driver == null || !driver.isAlive() || closed) {
            return false;
        }
        String token = LocalLivyServer.randomSecret();
        long leaseEnds = System.currentTimeMillis() + settings.lease().toMillis();
        int port = driver.detach(token, settings.lease(), 3000);
        if (port <= 0) {
            return false;
        }
        ObjectNode rec = JSON.createObjectNode();
        rec.put("port", port);
        rec.put("token", token);
        rec.put("pid", driver.pid());
        rec.put("leaseEndsAt", leaseEnds);
        rec.put("fingerprint", fingerprint);
        ObjectNode c = rec.putObject("conf");
        conf.forEach(c::put);
        try {
            writePrivate(file, JSON.writeValueAsString(rec));
        } catch (IOException e) {
            LOG.warn("cannot write the spare hand-off file {}: {}", file, e.getMessage());
            return false; // the detached driver ends at lease end; close() ends it sooner
        }
        LOG.info("left the warm spare driver pid {} for the restarted kernel (lease {})", driver.pid(),
                Durations.format(settings.lease()));
        driver = null;
        closed = true;
        return true;
    }

    /** Ends the spare, if any (a shutdown without restart, or an endpoint that stops). */
    @Override
    public synchronized void close() {
        closed = true;
        if (driver != null) {
            discard("the endpoint stops");
        }
    }

    private void discard(String why) {
        LOG.info("ending the warm spare driver pid {}: {}", driver.pid(), why);
        driver.killTree(3000);
        driver = null;
    }

    /** Written beside and moved over, so the file is never seen half-written or with wider permissions. */
    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".livy-spare", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, text);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /** A spare is adoptable only by an endpoint running the same Python with the same driver code. */
    private static String fingerprint(String python, Path script) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(python.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(Files.readAllBytes(script));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unknown-" + System.nanoTime(); // never matches: no adoption without knowing
        }
    }
}
