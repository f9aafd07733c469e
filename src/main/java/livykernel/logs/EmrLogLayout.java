package livykernel.logs;

import java.util.Locale;

/**
 * Where EMR archives a cluster's logs under its LogUri: {@code <LogUri>/<cluster-id>/node/<ec2-id>/…}
 * for daemons such as Livy, {@code …/containers/<appId>/<containerId>/…} for YARN containers.
 *
 * @param root the cluster's own prefix, {@code <LogUri path>/<cluster-id>/}
 */
public record EmrLogLayout(String clusterId, S3Location root) {

    /**
     * The layout for {@code logUri} as DescribeCluster returns it ({@code s3://}, {@code s3n://}
     * or {@code s3a://}, with or without a trailing slash). Throws {@link ArchiveException} for anything else.
     */
    public static EmrLogLayout of(String logUri, String clusterId) {
        if (logUri == null || logUri.isBlank()) {
            throw new ArchiveException("EMR cluster " + clusterId + " has no LogUri, so EMR archives none of its logs "
                    + "in S3: create clusters with a log URI (--log-uri) to read the logs of gone sessions.");
        }
        String u = logUri.trim();
        int scheme = u.indexOf("://");
        String s = scheme < 0 ? "" : u.substring(0, scheme).toLowerCase(Locale.ROOT);
        if (!s.equals("s3") && !s.equals("s3n") && !s.equals("s3a")) {
            throw new ArchiveException("EMR cluster " + clusterId + " has LogUri '" + logUri
                    + "', which is not an s3://, s3n:// or s3a:// location the kernel can read.");
        }
        String rest = u.substring(scheme + 3);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
        if (bucket.isEmpty()) {
            throw new ArchiveException("EMR cluster " + clusterId + " has LogUri '" + logUri + "' without a bucket name.");
        }
        return new EmrLogLayout(clusterId, new S3Location(bucket, (path.isEmpty() ? "" : path + "/") + clusterId + "/"));
    }

    /** Livy's server log on the primary node with EC2 instance id {@code ec2InstanceId} (an {@code i-…}, not the EMR {@code ci-…}). */
    public S3Location livyServerLog(String ec2InstanceId) {
        return under("node/" + ec2InstanceId + "/applications/livy/livy-livy-server.out.gz");
    }

    /** The prefix holding every container of YARN application {@code appId}. */
    public S3Location containers(String appId) {
        return under("containers/" + appId + "/");
    }

    /** One log file ({@code stderr.gz}, {@code stdout.gz}) of one container. */
    public S3Location containerFile(String appId, String containerId, String file) {
        return under("containers/" + appId + "/" + containerId + "/" + file);
    }

    private S3Location under(String relative) {
        return new S3Location(root.bucket(), root.key() + relative);
    }
}
