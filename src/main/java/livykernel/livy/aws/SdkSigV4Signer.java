package livykernel.livy.aws;

import livykernel.livy.AuthFailure;
import livykernel.livy.SigV4Signer;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link SigV4Signer} on the AWS SDK for Java v2's {@code AwsV4HttpSigner}, with credentials from
 * {@link AwsCredentialSource}. The payload is signed (its SHA-256 in {@code x-amz-content-sha256}),
 * as sparkmagic's EMR Serverless authenticator does. Lives in {@code aws-lib/}.
 */
public final class SdkSigV4Signer implements SigV4Signer {

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final Options options;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private volatile String region;

    public SdkSigV4Signer(Options options) {
        this(options, AwsCredentialSource.of(options.profile()), null);
    }

    /** {@code clock} null: the system's; tests pin it to reproduce a known signature. */
    SdkSigV4Signer(Options options, AwsCredentialsProvider credentials, Clock clock) {
        this.options = options;
        this.credentials = credentials;
        this.clock = clock;
        this.region = blankToNull(options.region());
    }

    @Override
    public Map<String, String> sign(String method, URI uri, Map<String, List<String>> headers, byte[] body)
            throws AuthFailure {
        AwsCredentials creds = credentials();
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        String signingRegion = region();
        SignedRequest signed = signer.sign(r -> {
            r.identity(creds).request(request.build()).payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, options.service())
                    .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion);
            if (clock != null) {
                r.putProperty(HttpSigner.SIGNING_CLOCK, clock);
            }
        });
        Map<String, String> out = new LinkedHashMap<>();
        signed.request().headers().forEach((name, values) -> {
            if (!values.isEmpty()) {
                out.put(name, values.get(0));
            }
        });
        return out;
    }

    private AwsCredentials credentials() throws AuthFailure {
        try {
            return credentials.resolveCredentials();
        } catch (SdkException | IllegalStateException e) {
            String profile = blankToNull(options.profile());
            // The SDK's message lists every provider it tried; it names no secret, but it is no sentence either.
            if (profile != null) {
                throw new AuthFailure("The AWS profile '" + profile + "' (aws_profile) gives the kernel no credentials "
                        + "to sign its requests to Livy: add it to ~/.aws/credentials (or ~/.aws/config), or set "
                        + "aws_profile to a profile that exists.");
            }
            throw new AuthFailure("The kernel found no AWS credentials to sign its requests to Livy: set AWS_PROFILE "
                    + "(or aws_profile) to a profile in ~/.aws/credentials, or AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN with temporary credentials).");
        }
    }

    /** The configured region, else the SDK's chain ({@code AWS_REGION}, the profile's region), asked once. */
    private String region() throws AuthFailure {
        String r = region;
        if (r != null) {
            return r;
        }
        try {
            r = DefaultAwsRegionProviderChain.builder().profileName(blankToNull(options.profile())).build()
                    .getRegion().id();
        } catch (SdkException | IllegalStateException e) {
            throw new AuthFailure("The kernel does not know which AWS region to sign its requests to Livy for (the "
                    + "Livy host names none): set aws_region (or AWS_REGION), e.g. us-east-1.");
        }
        region = r.toLowerCase(Locale.ROOT);
        return region;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
