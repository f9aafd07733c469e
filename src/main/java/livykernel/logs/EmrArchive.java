package livykernel.logs;

import java.util.List;
import java.util.Optional;

/**
 * The few EMR and S3 calls the log archive needs, free of AWS SDK types so that the kernel can
 * hold one without loading the SDK ({@link ArchiveLoader} brings the implementation in on first use).
 * Every failure is an {@link ArchiveException} that names the denied IAM action or the missing setting.
 */
public interface EmrArchive {

    /** DescribeCluster and ListInstances (primary group): the cluster's LogUri and its primary nodes. */
    EmrCluster describe(String clusterId);

    /** The active clusters (ListClusters) with their primary nodes, to find the one whose primary runs Livy. */
    List<EmrCluster> activeClusters();

    /** The object's bytes, or empty when S3 has no such key (not archived yet). */
    Optional<byte[]> read(S3Location object);

    /** Every key under {@code prefix}. */
    List<String> keys(S3Location prefix);
}
