package livykernel.logs;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmrLogLayoutTest {

    @Test
    void everySchemeAndTrailingSlashGiveTheSameClusterRoot() {
        for (String uri : new String[]{"s3://logs-bucket/emr/", "s3n://logs-bucket/emr", "s3a://logs-bucket/emr//", "S3N://logs-bucket/emr/"}) {
            EmrLogLayout l = EmrLogLayout.of(uri, "j-ABC");
            assertEquals(new S3Location("logs-bucket", "emr/j-ABC/"), l.root(), uri);
        }
        assertEquals(new S3Location("b", "j-ABC/"), EmrLogLayout.of("s3://b", "j-ABC").root());
        assertEquals(new S3Location("b", "j-ABC/"), EmrLogLayout.of("s3n://b/", "j-ABC").root());
    }

    @Test
    void keysFollowEmrsLayout() {
        EmrLogLayout l = EmrLogLayout.of("s3n://aws-logs-1-us-east-1/elasticmapreduce/", "j-2AB");
        assertEquals("s3://aws-logs-1-us-east-1/elasticmapreduce/j-2AB/node/i-0abc/applications/livy/livy-livy-server.out.gz",
                l.livyServerLog("i-0abc").uri());
        assertEquals("s3://aws-logs-1-us-east-1/elasticmapreduce/j-2AB/containers/application_1_0002/",
                l.containers("application_1_0002").uri());
        assertEquals("elasticmapreduce/j-2AB/containers/application_1_0002/container_1_0002_01_000001/stderr.gz",
                l.containerFile("application_1_0002", "container_1_0002_01_000001", "stderr.gz").key());
    }

    @Test
    void noLogUriOrAnotherSchemeIsOneClearSentence() {
        ArchiveException none = assertThrows(ArchiveException.class, () -> EmrLogLayout.of(null, "j-1"));
        assertTrue(none.getMessage().contains("has no LogUri") && none.getMessage().contains("--log-uri"), none.getMessage());
        ArchiveException hdfs = assertThrows(ArchiveException.class, () -> EmrLogLayout.of("hdfs:///logs", "j-1"));
        assertTrue(hdfs.getMessage().contains("not an s3://"), hdfs.getMessage());
        assertThrows(ArchiveException.class, () -> EmrLogLayout.of("s3:///x", "j-1"));
    }
}
