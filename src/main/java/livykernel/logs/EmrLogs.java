package livykernel.logs;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The logs EMR archived in S3 for a session Livy no longer has: finds the cluster (configured,
 * or the one whose primary node is the Livy host), its LogUri and primary node, then Livy's
 * server log and the session's YARN containers. AWS is asked only once the archive is used.
 */
public final class EmrLogs {

    /** EMR uploads node and container logs at this interval. */
    static final Duration UPLOAD_INTERVAL = Duration.ofMinutes(5);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final List<String> CONTAINER_FILES = List.of("stderr.gz", "stdout.gz");

    private final Supplier<EmrArchive> archive;
    private final String clusterId;
    private final Supplier<String> livyHost;
    private final Clock clock;
    private volatile Located located;

    /**
     * {@code clusterId} is the configured {@code emr_cluster_id} or null; {@code livyHost} gives
     * the host of the Livy URL (null for the embedded endpoint) to find the cluster by.
     */
    public EmrLogs(Supplier<EmrArchive> archive, String clusterId, Supplier<String> livyHost, Clock clock) {
        this.archive = archive;
        this.clusterId = clusterId == null || clusterId.isBlank() ? null : clusterId.trim();
        this.livyHost = livyHost;
        this.clock = clock;
    }

    private record Located(EmrCluster cluster, EmrLogLayout layout) {
    }

    /** Whether the kernel knows its EMR cluster without asking: configured, or found before. */
    public boolean known() {
        return clusterId != null || located != null;
    }

    /** The archived logs of session {@code sessionId}; {@code appId} is the YARN id the kernel saw, or null. */
    public ArchivedLog read(int sessionId, String appId, LogChoice choice) {
        Located at = cluster();
        EmrArchive s3 = archive.get();
        List<ArchivedLog.File> files = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String app = appId;
        if (choice.wantsLivy() || app == null) {
            List<S3Location> tried = new ArrayList<>();
            for (EmrNode primary : at.cluster().primaries()) {
                S3Location where = at.layout().livyServerLog(primary.ec2InstanceId());
                tried.add(where);
                Optional<byte[]> bytes = s3.read(where);
                if (bytes.isEmpty()) {
                    continue;
                }
                List<String> all = Gzip.lines(bytes.get(), where);
                if (app == null) {
                    app = SessionLines.appId(all, sessionId);
                }
                List<String> mine = SessionLines.of(all, sessionId, app);
                if (choice.wantsLivy()) {
                    files.add(new ArchivedLog.File(where, mine));
                    if (mine.isEmpty()) {
                        notes.add(where.uri() + " has no line about session " + sessionId + " yet; " + tryAgain());
                    }
                }
                break;
            }
            if (choice.wantsLivy() && files.isEmpty()) {
                if (tried.isEmpty()) {
                    throw new ArchiveException("EMR lists no primary node for cluster " + at.cluster().id()
                            + ", so the kernel cannot tell where its Livy log is archived.");
                }
                notes.add(notYet("Livy's server log", tried.get(0)));
            }
        }
        if (choice.wantsContainers()) {
            if (app == null) {
                throw new ArchiveException("The kernel saw no YARN application id for session " + sessionId
                        + " and the archived Livy log names none, so its container logs cannot be found; "
                        + "--source livy shows what Livy logged about it.");
            }
            containers(at.layout(), s3, app, choice, files, notes);
        }
        if (files.isEmpty()) {
            throw new ArchiveException(String.join(" ", notes));
        }
        return new ArchivedLog(app, files, notes);
    }

    private void containers(EmrLogLayout layout, EmrArchive s3, String appId, LogChoice choice,
                            List<ArchivedLog.File> files, List<String> notes) {
        S3Location prefix = layout.containers(appId);
        List<String> keys = s3.keys(prefix);
        TreeSet<String> ids = new TreeSet<>();
        for (String key : keys) {
            String rest = key.substring(Math.min(key.length(), prefix.key().length()));
            int slash = rest.indexOf('/');
            if (slash > 0) {
                ids.add(rest.substring(0, slash));
            }
        }
        if (ids.isEmpty()) {
            notes.add(notYet("The container logs of application " + appId, prefix));
            return;
        }
        String driver = ids.stream().filter(id -> id.endsWith("_000001")).findFirst().orElse(ids.first());
        List<String> executors = ids.stream().filter(id -> !id.equals(driver)).toList();
        List<String> chosen = switch (choice.source()) {
            case DRIVER -> List.of(driver);
            case EXECUTOR -> {
                if (choice.executor() < 1 || choice.executor() > executors.size()) {
                    throw new ArchiveException("Application " + appId + " has " + executors.size()
                            + " executor container(s) in S3 so far; choose an executor from 1 to " + executors.size() + ".");
                }
                yield List.of(executors.get(choice.executor() - 1));
            }
            default -> new ArrayList<>(ids);
        };
        for (String container : chosen) {
            for (String file : CONTAINER_FILES) {
                S3Location where = layout.containerFile(appId, container, file);
                if (keys.contains(where.key())) {
                    s3.read(where).ifPresent(bytes -> files.add(new ArchivedLog.File(where, Gzip.lines(bytes, where))));
                }
            }
        }
        if (files.isEmpty()) {
            notes.add(notYet("The logs of container " + String.join(", ", chosen), prefix));
        }
    }

    /**
     * Where the logs of session {@code sessionId} are archived, for the message of a lost session:
     * empty unless the cluster is known, when AWS cannot say, and when finding the cluster takes
     * longer than {@code budget} (it goes on in the background, and later messages have it).
     */
    public List<String> places(int sessionId, String appId, Duration budget) {
        if (!known()) {
            return List.of();
        }
        Located at = located;
        if (at == null) {
            CompletableFuture<Located> finding = CompletableFuture.supplyAsync(this::cluster, EmrLogs::daemon);
            try {
                at = finding.get(budget.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        List<String> places = new ArrayList<>();
        if (!at.cluster().primaries().isEmpty()) {
            places.add(at.layout().livyServerLog(at.cluster().primaries().get(0).ec2InstanceId()).uri());
        }
        if (appId != null) {
            places.add(at.layout().containers(appId).uri());
        }
        return places;
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "emr-locate");
        t.setDaemon(true);
        t.start();
    }

    private Located cluster() {
        Located l = located;
        if (l != null) {
            return l;
        }
        synchronized (this) {
            if (located == null) {
                EmrArchive aws = archive.get();
                EmrCluster c = clusterId != null ? aws.describe(clusterId) : find(aws);
                located = new Located(c, EmrLogLayout.of(c.logUri(), c.id()));
            }
            return located;
        }
    }

    private EmrCluster find(EmrArchive aws) {
        String host = livyHost.get();
        if (host == null) {
            throw new ArchiveException("The kernel does not know which EMR cluster to read logs from: set "
                    + "emr_cluster_id (or LIVY_KERNEL_EMR_CLUSTER_ID) to its id (j-…).");
        }
        for (EmrCluster c : aws.activeClusters()) {
            if (c.hasPrimary(host)) {
                return aws.describe(c.id());
            }
        }
        throw new ArchiveException("No active EMR cluster visible to these AWS credentials has " + host
                + " as its primary node: set emr_cluster_id (or LIVY_KERNEL_EMR_CLUSTER_ID) to the cluster's id (j-…).");
    }

    private String notYet(String what, S3Location where) {
        return what + " is not in S3 yet (" + where.uri() + "): " + tryAgain();
    }

    private String tryAgain() {
        return "EMR copies logs there every " + UPLOAD_INTERVAL.toMinutes() + " minutes, so try again after "
                + HH_MM.format(clock.instant().plus(UPLOAD_INTERVAL)) + " UTC.";
    }
}
