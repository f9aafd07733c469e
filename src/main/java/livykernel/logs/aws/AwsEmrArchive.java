package livykernel.logs.aws;

import livykernel.livy.aws.AwsCredentialSource;
import livykernel.logs.ArchiveException;
import livykernel.logs.AwsOptions;
import livykernel.logs.EmrArchive;
import livykernel.logs.EmrCluster;
import livykernel.logs.EmrNode;
import livykernel.logs.S3Location;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emr.model.ClusterState;
import software.amazon.awssdk.services.emr.model.ClusterSummary;
import software.amazon.awssdk.services.emr.model.Instance;
import software.amazon.awssdk.services.emr.model.InstanceCollectionType;
import software.amazon.awssdk.services.emr.model.InstanceFleetType;
import software.amazon.awssdk.services.emr.model.InstanceGroupType;
import software.amazon.awssdk.services.emr.model.ListInstancesRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link EmrArchive} on the AWS SDK for Java v2: EMR for the cluster, S3 for the files, over the
 * JDK's URLConnection. Lives in {@code aws-lib/}, loaded by {@code ArchiveLoader}; AWS errors become
 * one sentence naming the denied IAM action, never a stack trace.
 */
public final class AwsEmrArchive implements EmrArchive {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(8);

    private final AwsOptions options;
    private volatile EmrClient emr;
    private volatile S3Client s3;

    public AwsEmrArchive(AwsOptions options) {
        this.options = options;
    }

    @Override
    public EmrCluster describe(String clusterId) {
        var c = call("elasticmapreduce:DescribeCluster", "cluster " + clusterId,
                () -> emr().describeCluster(r -> r.clusterId(clusterId)).cluster());
        return new EmrCluster(c.id(), c.logUri(), primaries(c.id(), c.instanceCollectionType()));
    }

    @Override
    public List<EmrCluster> activeClusters() {
        List<ClusterSummary> active = call("elasticmapreduce:ListClusters", "the account's clusters",
                () -> emr().listClustersPaginator(r -> r.clusterStates(ClusterState.STARTING, ClusterState.BOOTSTRAPPING,
                        ClusterState.RUNNING, ClusterState.WAITING)).clusters().stream().toList());
        List<EmrCluster> out = new ArrayList<>();
        for (ClusterSummary s : active) {
            out.add(new EmrCluster(s.id(), null, primaries(s.id(), null)));
        }
        return out;
    }

    private List<EmrNode> primaries(String clusterId, InstanceCollectionType type) {
        ListInstancesRequest.Builder req = ListInstancesRequest.builder().clusterId(clusterId);
        if (type == InstanceCollectionType.INSTANCE_FLEET) {
            req.instanceFleetType(InstanceFleetType.MASTER);
        } else {
            req.instanceGroupTypes(InstanceGroupType.MASTER);
        }
        List<Instance> instances = call("elasticmapreduce:ListInstances", "cluster " + clusterId,
                () -> emr().listInstancesPaginator(req.build()).instances().stream().toList());
        return instances.stream().filter(i -> i.ec2InstanceId() != null)
                .map(i -> new EmrNode(i.ec2InstanceId(), i.privateDnsName(), i.privateIpAddress(), i.publicDnsName(),
                        i.publicIpAddress()))
                .toList();
    }

    @Override
    public Optional<byte[]> read(S3Location object) {
        try {
            return Optional.of(call("s3:GetObject", object.uri(),
                    () -> s3().getObjectAsBytes(r -> r.bucket(object.bucket()).key(object.key())).asByteArray()));
        } catch (NotThere e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> keys(S3Location prefix) {
        return call("s3:ListBucket", prefix.uri(), () -> s3().listObjectsV2Paginator(
                r -> r.bucket(prefix.bucket()).prefix(prefix.key())).contents().stream().map(S3Object::key).toList());
    }

    /** S3 has no such key: the archive is not there yet. */
    private static final class NotThere extends RuntimeException {
        NotThere() {
            super(null, null, false, false);
        }
    }

    private <T> T call(String action, String resource, Supplier<T> body) {
        try {
            return body.get();
        } catch (NoSuchKeyException e) {
            throw new NotThere();
        } catch (AwsServiceException e) {
            throw new ArchiveException(AwsErrors.service(action, resource, e.statusCode(),
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode(),
                    e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()));
        } catch (SdkException e) {
            throw new ArchiveException(AwsErrors.client(action, e.getMessage()));
        }
    }

    private EmrClient emr() {
        EmrClient c = emr;
        if (c == null) {
            synchronized (this) {
                if (emr == null) {
                    emr = configure(EmrClient.builder()).build();
                }
                c = emr;
            }
        }
        return c;
    }

    private S3Client s3() {
        S3Client c = s3;
        if (c == null) {
            synchronized (this) {
                if (s3 == null) {
                    // Stand-ins such as moto serve every bucket under one host: address them by path.
                    s3 = configure(S3Client.builder()).forcePathStyle(endpoint() != null).build();
                }
                c = s3;
            }
        }
        return c;
    }

    private <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B b) {
        b.httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(ATTEMPT_TIMEOUT).build())
                .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT).apiCallAttemptTimeout(ATTEMPT_TIMEOUT))
                .credentialsProvider(credentials());
        if (options.region() != null && !options.region().isBlank()) {
            b.region(Region.of(options.region().trim()));
        }
        if (options.endpointUrl() != null && !options.endpointUrl().isBlank()) {
            b.endpointOverride(URI.create(options.endpointUrl().trim()));
        }
        return b;
    }

    private String endpoint() {
        if (options.endpointUrl() != null && !options.endpointUrl().isBlank()) {
            return options.endpointUrl();
        }
        String s3Only = System.getenv("AWS_ENDPOINT_URL_S3");
        return s3Only != null && !s3Only.isBlank() ? s3Only : System.getenv("AWS_ENDPOINT_URL");
    }

    private AwsCredentialsProvider credentials() {
        return AwsCredentialSource.of(options.profile());
    }
}
