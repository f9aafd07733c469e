package livykernel.logs;

/** An object or key prefix in S3, printed as the {@code s3://bucket/key} URI users paste into the console or CLI. */
public record S3Location(String bucket, String key) {

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public String toString() {
        return uri();
    }
}
