package livykernel.config;

/**
 * Where the kernel finds the S3 log archive of an Amazon EMR cluster; null fields are left to
 * the AWS SDK's own defaults (its region and credential chains, the {@code AWS_ENDPOINT_URL*} variables).
 *
 * @param emrClusterId the cluster running Livy ({@code j-…}), or null to find it from the Livy host
 * @param endpointUrl  one endpoint for EMR and S3 instead of AWS's (a stand-in such as moto)
 * @param signingService the SigV4 signing name for a Livy behind AWS ({@code auth} AWS_SigV4)
 */
public record AwsSettings(String emrClusterId, String region, String profile, String endpointUrl,
                          String signingService) {

    public static final String EMR_SERVERLESS = "emr-serverless";
    public static final AwsSettings NONE = new AwsSettings(null, null, null, null, EMR_SERVERLESS);
}
