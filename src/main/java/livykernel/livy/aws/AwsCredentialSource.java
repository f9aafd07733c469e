package livykernel.livy.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;

/** The kernel's AWS credentials: a named profile when one is configured, else the SDK's default chain. */
public final class AwsCredentialSource {

    private AwsCredentialSource() {
    }

    /**
     * An explicit {@code aws_profile} wins over everything, environment keys included; without one the
     * default chain applies (system properties, {@code AWS_ACCESS_KEY_ID}…, web identity,
     * {@code AWS_PROFILE} or {@code default} in the profile files, container and instance roles).
     */
    public static AwsCredentialsProvider of(String profile) {
        if (profile != null && !profile.isBlank()) {
            return ProfileCredentialsProvider.create(profile.trim());
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
