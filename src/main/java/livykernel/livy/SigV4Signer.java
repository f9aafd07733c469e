package livykernel.livy;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Computes AWS Signature Version 4 headers for one request. The implementation lives with the
 * AWS SDK in {@code aws-lib/} ({@code livy.aws.SdkSigV4Signer}), loaded by {@link AwsLibrary} only
 * when SigV4 is in use; this side knows no SDK class.
 */
public interface SigV4Signer {

    /**
     * The headers to set on the request: {@code Authorization}, {@code X-Amz-Date},
     * {@code x-amz-content-sha256} and, with temporary credentials, {@code X-Amz-Security-Token}.
     *
     * @param headers the headers to sign, names as sent
     * @throws AuthFailure with the user's sentence when there are no usable credentials or no region
     */
    Map<String, String> sign(String method, URI uri, Map<String, List<String>> headers, byte[] body) throws AuthFailure;

    /**
     * Where the signature's inputs come from; null fields are left to the SDK's defaults.
     *
     * @param region  the region to sign for, or null for the SDK's region chain ({@code AWS_REGION}, the profile's)
     * @param profile a profile of {@code ~/.aws/credentials} and {@code ~/.aws/config}, or null for the
     *                default credential chain (environment, {@code AWS_PROFILE}, container and instance roles)
     * @param service the signing name, {@code emr-serverless} for EMR Serverless
     */
    record Options(String region, String profile, String service) {

        /** For a Livy at {@code livyUrl}: the region its host names wins over {@code region}, which must match it anyway. */
        public static Options forLivy(String livyUrl, String region, String profile, String service) {
            String fromHost = SigV4Auth.regionOf(java.net.URI.create(livyUrl).getHost());
            return new Options(fromHost != null ? fromHost : region, profile, service);
        }
    }
}
