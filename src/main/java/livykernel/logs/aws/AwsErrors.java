package livykernel.logs.aws;

import java.util.Locale;

/** The sentences for failed AWS calls: which IAM action was denied, or what is missing to make the call at all. */
final class AwsErrors {

    private AwsErrors() {
    }

    /** AWS answered {@code status}/{@code code} to {@code action} on {@code resource}. */
    static String service(String action, String resource, int status, String code, String message) {
        String c = code == null ? "" : code;
        if (status == 403 || c.contains("AccessDenied") || c.equals("UnauthorizedOperation")) {
            return "AWS denied " + action + " on " + resource + " to the kernel's credentials: grant that IAM action "
                    + "(or use credentials that have it) to read the archived logs.";
        }
        if (c.equals("InvalidClientTokenId") || c.equals("SignatureDoesNotMatch") || c.equals("ExpiredToken")
                || c.equals("UnrecognizedClientException")) {
            return "AWS rejected the kernel's credentials (" + c + ") for " + action + ": refresh them (for example "
                    + "aws sso login) or set aws_profile to a profile that works.";
        }
        if (c.equals("NoSuchBucket")) {
            return "The log bucket of " + resource + " does not exist (" + action + " said NoSuchBucket): the cluster's "
                    + "LogUri points at a bucket that is gone.";
        }
        if (action.startsWith("elasticmapreduce:") && (c.equals("InvalidRequestException") || status == 400)) {
            return "EMR could not answer " + action + " for " + resource + ": " + message + " Check emr_cluster_id and aws_region.";
        }
        return "AWS failed " + action + " on " + resource + " (" + (c.isEmpty() ? "HTTP " + status : c) + "): " + message;
    }

    /** The SDK could not make the call: no credentials, no region, or no connection. */
    static String client(String action, String message) {
        String m = message == null ? "" : message;
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("unable to load credentials") || lower.contains("credentials")) {
            return "The kernel found no AWS credentials to read the archived logs: set AWS_PROFILE or aws_profile, "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a host with an instance role.";
        }
        if (lower.contains("unable to load region") || lower.contains("region")) {
            return "The kernel does not know the AWS region of the cluster: set aws_region (or AWS_REGION), e.g. us-east-1.";
        }
        return "The kernel could not reach AWS for " + action + ": " + m;
    }
}
