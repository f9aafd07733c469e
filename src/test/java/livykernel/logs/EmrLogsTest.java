package livykernel.logs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmrLogsTest {

    private static final Clock AT_10_02 = Clock.fixed(Instant.parse("2026-12-02T10:02:30Z"), ZoneOffset.UTC);
    private static final String APP = "application_1700000000000_0007";
    private static final String ROOT = "logs/j-TEST/";
    private static final EmrNode PRIMARY = new EmrNode("i-0primary", "ip-10-0-0-5.ec2.internal", "10.0.0.5", null, null);

    /** An archive in memory that records the calls made to it. */
    static class FakeArchive implements EmrArchive {
        final Map<String, byte[]> objects = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        final List<EmrCluster> clusters = new ArrayList<>(List.of(new EmrCluster("j-TEST", "s3n://bucket/logs/", List.of(PRIMARY))));

        @Override
        public EmrCluster describe(String clusterId) {
            calls.add("describe " + clusterId);
            return clusters.stream().filter(c -> c.id().equals(clusterId)).findFirst()
                    .orElseThrow(() -> new ArchiveException("no cluster " + clusterId));
        }

        @Override
        public List<EmrCluster> activeClusters() {
            calls.add("active");
            return clusters;
        }

        @Override
        public Optional<byte[]> read(S3Location object) {
            calls.add("get " + object.key());
            return Optional.ofNullable(objects.get(object.key()));
        }

        @Override
        public List<String> keys(S3Location prefix) {
            calls.add("list " + prefix.key());
            return objects.keySet().stream().filter(k -> k.startsWith(prefix.key())).sorted().toList();
        }

        void put(String key, String text) {
            objects.put(ROOT + key, GzipTest.gzip(text));
        }
    }

    private static EmrLogs configured(FakeArchive a) {
        return new EmrLogs(() -> a, "j-TEST", () -> "livy.example", AT_10_02);
    }

    private static void layOut(FakeArchive a) {
        a.put("node/i-0primary/applications/livy/livy-livy-server.out.gz", String.join("\n", SessionLinesTest.LIVY_LOG) + "\n");
        a.put("containers/" + APP + "/container_1700000000000_0007_01_000001/stderr.gz", "driver err 1\ndriver err 2\n");
        a.put("containers/" + APP + "/container_1700000000000_0007_01_000001/stdout.gz", "driver out\n");
        a.put("containers/" + APP + "/container_1700000000000_0007_01_000002/stderr.gz", "exec one\n");
        a.put("containers/" + APP + "/container_1700000000000_0007_01_000003/stderr.gz", "exec two\n");
    }

    @Test
    void theDriverIsTheFirstContainerAndExecutorsAreCountedFromOne() {
        FakeArchive a = new FakeArchive();
        layOut(a);
        EmrLogs logs = configured(a);
        ArchivedLog driver = logs.read(3, APP, new LogChoice(LogChoice.Source.DRIVER, 0));
        assertEquals(2, driver.files().size());
        assertEquals(List.of("driver err 1", "driver err 2"), driver.files().get(0).lines());
        assertEquals("s3://bucket/logs/j-TEST/containers/" + APP + "/container_1700000000000_0007_01_000001/stderr.gz",
                driver.files().get(0).where().uri());
        assertFalse(a.calls.stream().anyMatch(c -> c.contains("livy-livy-server")), "the app id was known: " + a.calls);
        ArchivedLog second = logs.read(3, APP, new LogChoice(LogChoice.Source.EXECUTOR, 2));
        assertEquals(List.of("exec two"), second.files().get(0).lines());
        ArchiveException tooFar = assertThrows(ArchiveException.class, () -> logs.read(3, APP, new LogChoice(LogChoice.Source.EXECUTOR, 3)));
        assertTrue(tooFar.getMessage().contains("has 2 executor container(s)"), tooFar.getMessage());
    }

    @Test
    void withoutAnAppIdTheLivyLogGivesItAndOnlyTheSessionsLinesAreShown() {
        FakeArchive a = new FakeArchive();
        layOut(a);
        ArchivedLog all = configured(a).read(3, null, LogChoice.all());
        assertEquals(APP, all.appId());
        List<String> livy = all.files().get(0).lines();
        assertEquals(6, livy.size());
        assertTrue(livy.stream().noneMatch(l -> l.contains("session 30")), livy.toString());
        assertEquals(5, all.files().size(), "livy + driver stderr/stdout + two executors");
        assertEquals(1, a.calls.stream().filter(c -> c.startsWith("describe")).count());
    }

    @Test
    void aMissingArchiveSaysWhenToTryAgain() {
        FakeArchive a = new FakeArchive();
        ArchiveException e = assertThrows(ArchiveException.class, () -> configured(a).read(3, APP, new LogChoice(LogChoice.Source.LIVY, 0)));
        assertEquals("Livy's server log is not in S3 yet (s3://bucket/logs/j-TEST/node/i-0primary/applications/livy/"
                + "livy-livy-server.out.gz): EMR copies logs there every 5 minutes, so try again after 10:07 UTC.", e.getMessage());
        ArchiveException c = assertThrows(ArchiveException.class, () -> configured(a).read(3, APP, new LogChoice(LogChoice.Source.DRIVER, 0)));
        assertTrue(c.getMessage().startsWith("The container logs of application " + APP + " is not in S3 yet")
                || c.getMessage().contains("not in S3 yet (s3://bucket/logs/j-TEST/containers/" + APP + "/)"), c.getMessage());
    }

    @Test
    void theLivyLogThereButNoContainersYetShowsWhatThereIsWithANote() {
        FakeArchive a = new FakeArchive();
        a.put("node/i-0primary/applications/livy/livy-livy-server.out.gz", String.join("\n", SessionLinesTest.LIVY_LOG));
        ArchivedLog log = configured(a).read(3, null, LogChoice.all());
        assertEquals(1, log.files().size());
        assertEquals(1, log.notes().size());
        assertTrue(log.notes().get(0).contains("try again after 10:07 UTC"), log.notes().toString());
    }

    @Test
    void withoutAConfiguredIdTheClusterIsTheOneWhosePrimaryIsTheLivyHost() {
        FakeArchive a = new FakeArchive();
        a.clusters.add(0, new EmrCluster("j-OTHER", "s3://other/", List.of(new EmrNode("i-9", "ip-10-0-0-9.ec2.internal", "10.0.0.9", null, null))));
        layOut(a);
        EmrLogs byShortName = new EmrLogs(() -> a, null, () -> "ip-10-0-0-5", AT_10_02);
        assertFalse(byShortName.known());
        assertEquals(APP, byShortName.read(3, null, new LogChoice(LogChoice.Source.LIVY, 0)).appId());
        assertTrue(byShortName.known(), "found once, known from then on");
        assertTrue(a.calls.contains("describe j-TEST") && !a.calls.contains("describe j-OTHER"), a.calls.toString());
    }

    @Test
    void aClusterThatCannotBeFoundNamesTheSetting() {
        FakeArchive a = new FakeArchive();
        ArchiveException unknownHost = assertThrows(ArchiveException.class,
                () -> new EmrLogs(() -> a, null, () -> "livy.corp.example", AT_10_02).read(1, null, LogChoice.all()));
        assertTrue(unknownHost.getMessage().contains("livy.corp.example") && unknownHost.getMessage().contains("emr_cluster_id"),
                unknownHost.getMessage());
        ArchiveException embedded = assertThrows(ArchiveException.class,
                () -> new EmrLogs(() -> a, null, () -> null, AT_10_02).read(1, null, LogChoice.all()));
        assertTrue(embedded.getMessage().contains("set emr_cluster_id"), embedded.getMessage());
        assertEquals(List.of(), a.calls.subList(0, 0));
    }

    @Test
    void placesAreGivenOnlyForAKnownClusterAndNeverAskAwsOtherwise() {
        FakeArchive a = new FakeArchive();
        EmrLogs unknown = new EmrLogs(() -> {
            throw new AssertionError("AWS must not be asked");
        }, null, () -> "livy.example", AT_10_02);
        assertEquals(List.of(), unknown.places(3, APP, Duration.ofSeconds(10)));
        assertEquals(List.of("s3://bucket/logs/j-TEST/node/i-0primary/applications/livy/livy-livy-server.out.gz",
                "s3://bucket/logs/j-TEST/containers/" + APP + "/"), configured(a).places(3, APP, Duration.ofSeconds(10)));
        FakeArchive denied = new FakeArchive() {
            @Override
            public EmrCluster describe(String clusterId) {
                throw new ArchiveException("denied");
            }
        };
        assertEquals(List.of(), configured(denied).places(3, APP, Duration.ofSeconds(10)));
    }

    @Test
    void aSlowAwsDoesNotHoldTheLossMessageAndIsUsedOnceItAnswers() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        CountDownLatch described = new CountDownLatch(1);
        FakeArchive slow = new FakeArchive() {
            @Override
            public EmrCluster describe(String clusterId) {
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    throw new ArchiveException("interrupted");
                }
                EmrCluster c = super.describe(clusterId);
                described.countDown();
                return c;
            }
        };
        EmrLogs logs = configured(slow);
        assertEquals(List.of(), logs.places(3, APP, Duration.ofMillis(50)), "AWS has not answered within the budget");
        answer.countDown();
        described.await();
        // The lookup went on in the background; the next message has its answer, without asking AWS again.
        List<String> later = logs.places(3, null, Duration.ofSeconds(10));
        assertEquals(List.of("s3://bucket/logs/j-TEST/node/i-0primary/applications/livy/livy-livy-server.out.gz"), later);
        assertEquals(1, slow.calls.stream().filter(c -> c.startsWith("describe")).count(), slow.calls.toString());
    }

    @Test
    void aNonGzipObjectIsOneSentence() {
        FakeArchive a = new FakeArchive();
        a.objects.put(ROOT + "containers/" + APP + "/container_1700000000000_0007_01_000001/stderr.gz",
                "plain\n".getBytes(StandardCharsets.UTF_8));
        ArchiveException e = assertThrows(ArchiveException.class, () -> configured(a).read(3, APP, new LogChoice(LogChoice.Source.DRIVER, 0)));
        assertTrue(e.getMessage().contains("is not gzip data"), e.getMessage());
    }
}
