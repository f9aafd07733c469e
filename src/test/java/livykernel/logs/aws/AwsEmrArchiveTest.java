package livykernel.logs.aws;

import livykernel.logs.ArchiveException;
import livykernel.logs.AwsOptions;
import livykernel.logs.EmrCluster;
import livykernel.logs.S3Location;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK side against a loopback stand-in speaking EMR's JSON and S3's XML, denials included. */
class AwsEmrArchiveTest {

    private MockWebServer server;
    private AwsEmrArchive archive;

    @BeforeAll
    static void dummyCredentials() {
        System.setProperty("aws.accessKeyId", "AKIDTEST");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        archive = new AwsEmrArchive(new AwsOptions("us-east-1", null, server.url("/").toString()));
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private void json(int status, String body) {
        server.enqueue(new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/x-amz-json-1.1").setBody(body));
    }

    @Test
    void describeReadsTheLogUriAndThePrimaryNodesEc2Id() throws InterruptedException {
        json(200, "{\"Cluster\":{\"Id\":\"j-1\",\"LogUri\":\"s3n://b/logs/\",\"InstanceCollectionType\":\"INSTANCE_GROUP\"}}");
        json(200, "{\"Instances\":[{\"Id\":\"ci-1\",\"Ec2InstanceId\":\"i-0abc\",\"PrivateDnsName\":\"ip-10-0-0-5.ec2.internal\","
                + "\"PrivateIpAddress\":\"10.0.0.5\"}]}");
        EmrCluster c = archive.describe("j-1");
        assertEquals("s3n://b/logs/", c.logUri());
        assertEquals("i-0abc", c.primaries().get(0).ec2InstanceId());
        RecordedRequest describe = server.takeRequest();
        assertEquals("ElasticMapReduce.DescribeCluster", describe.getHeader("X-Amz-Target"));
        RecordedRequest list = server.takeRequest();
        assertEquals("ElasticMapReduce.ListInstances", list.getHeader("X-Amz-Target"));
        assertTrue(list.getBody().readUtf8().contains("\"MASTER\""));
    }

    @Test
    void aDeniedEmrCallNamesTheIamAction() {
        json(400, "{\"__type\":\"AccessDeniedException\",\"message\":\"User: arn:aws:iam::1:user/u is not authorized to perform: "
                + "elasticmapreduce:DescribeCluster\"}");
        ArchiveException e = assertThrows(ArchiveException.class, () -> archive.describe("j-1"));
        assertEquals("AWS denied elasticmapreduce:DescribeCluster on cluster j-1 to the kernel's credentials: grant that "
                + "IAM action (or use credentials that have it) to read the archived logs.", e.getMessage());
    }

    @Test
    void s3ReadsObjectsPathStyleAndAMissingKeyIsEmpty() throws InterruptedException {
        server.enqueue(new MockResponse().setBody("gz-bytes"));
        server.enqueue(new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/xml")
                .setBody("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"));
        Optional<byte[]> got = archive.read(new S3Location("bucket", "j-1/node/i-0abc/x.gz"));
        assertArrayEquals("gz-bytes".getBytes(StandardCharsets.UTF_8), got.orElseThrow());
        assertEquals("/bucket/j-1/node/i-0abc/x.gz", server.takeRequest().getPath());
        assertEquals(Optional.empty(), archive.read(new S3Location("bucket", "j-1/missing.gz")));
    }

    @Test
    void aDeniedS3CallNamesTheIamAction() {
        String denied = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
        server.enqueue(new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/xml").setBody(denied));
        ArchiveException get = assertThrows(ArchiveException.class, () -> archive.read(new S3Location("bucket", "k.gz")));
        assertTrue(get.getMessage().startsWith("AWS denied s3:GetObject on s3://bucket/k.gz"), get.getMessage());
        server.enqueue(new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/xml").setBody(denied));
        ArchiveException list = assertThrows(ArchiveException.class, () -> archive.keys(new S3Location("bucket", "p/")));
        assertTrue(list.getMessage().startsWith("AWS denied s3:ListBucket on s3://bucket/p/"), list.getMessage());
    }

    @Test
    void listingGivesEveryKeyUnderThePrefix() {
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/xml").setBody(
                "<ListBucketResult><Name>bucket</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><IsTruncated>false</IsTruncated>"
                        + "<Contents><Key>p/c1/stderr.gz</Key><Size>3</Size></Contents>"
                        + "<Contents><Key>p/c2/stderr.gz</Key><Size>3</Size></Contents></ListBucketResult>"));
        assertEquals(List.of("p/c1/stderr.gz", "p/c2/stderr.gz"), archive.keys(new S3Location("bucket", "p/")));
    }
}
