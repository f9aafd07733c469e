package livykernel.logs.aws;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class AwsErrorsTest {

    @Test
    void eachFailureIsOneSentenceSayingWhatToDo() {
        String denied = AwsErrors.service("s3:GetObject", "s3://b/k", 403, "AccessDenied", "Access Denied");
        assertTrue(denied.startsWith("AWS denied s3:GetObject on s3://b/k"), denied);
        String emrDenied = AwsErrors.service("elasticmapreduce:ListInstances", "cluster j-1", 400, "AccessDeniedException", "no");
        assertTrue(emrDenied.contains("elasticmapreduce:ListInstances"), emrDenied);
        String noCluster = AwsErrors.service("elasticmapreduce:DescribeCluster", "cluster j-1", 400, "InvalidRequestException",
                "Cluster id 'j-1' is not valid.");
        assertTrue(noCluster.contains("Check emr_cluster_id and aws_region"), noCluster);
        String expired = AwsErrors.service("s3:GetObject", "s3://b/k", 400, "ExpiredToken", "expired");
        assertTrue(expired.contains("refresh them"), expired);
        String noCreds = AwsErrors.client("s3:GetObject", "Unable to load credentials from any of the providers in the chain");
        assertTrue(noCreds.startsWith("The kernel found no AWS credentials") && !noCreds.contains("providers in the chain"), noCreds);
        String noRegion = AwsErrors.client("elasticmapreduce:DescribeCluster", "Unable to load region from any of the providers");
        assertTrue(noRegion.contains("set aws_region"), noRegion);
    }
}
