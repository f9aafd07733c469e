package livykernel.logs;

/**
 * How the kernel reaches AWS; null fields leave it to the SDK's defaults (its region and
 * credential chains, and the {@code AWS_ENDPOINT_URL*} variables).
 *
 * @param endpointUrl one endpoint for EMR and S3 (a stand-in such as moto); S3 is then addressed path-style
 */
public record AwsOptions(String region, String profile, String endpointUrl) {
}
