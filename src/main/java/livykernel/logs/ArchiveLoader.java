package livykernel.logs;

import livykernel.livy.AwsLibrary;

import java.util.function.Supplier;

/**
 * Brings in the AWS SDK implementation of {@link EmrArchive} on first use, from the kernel's
 * {@code aws-lib/} through {@link AwsLibrary}, so that kernel start-up and idle memory never see it.
 */
public final class ArchiveLoader implements Supplier<EmrArchive> {

    static final String IMPLEMENTATION = "livykernel.logs.aws.AwsEmrArchive";

    private final AwsOptions options;
    private volatile EmrArchive loaded;

    public ArchiveLoader(AwsOptions options) {
        this.options = options;
    }

    @Override
    public EmrArchive get() {
        EmrArchive a = loaded;
        if (a == null) {
            synchronized (this) {
                if (loaded == null) {
                    try {
                        loaded = AwsLibrary.create(IMPLEMENTATION, EmrArchive.class, AwsOptions.class, options);
                    } catch (IllegalStateException e) {
                        throw new ArchiveException(e.getMessage());
                    }
                }
                a = loaded;
            }
        }
        return a;
    }
}
