package livykernel.logs;

import java.util.List;

/** An EMR cluster as far as its logs go: its id, LogUri (null when S3 logging is off) and primary nodes. */
public record EmrCluster(String id, String logUri, List<EmrNode> primaries) {

    public EmrCluster {
        primaries = List.copyOf(primaries);
    }

    /** Whether one of the primary nodes answers to {@code host} (a DNS name or an IP address). */
    public boolean hasPrimary(String host) {
        return primaries.stream().anyMatch(p -> p.answersTo(host));
    }
}
