package livykernel.logs;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Brings in the AWS SDK implementation of {@link EmrArchive} on first use. The SDK is not in the
 * kernel's jar (it would cost start-up time and idle memory for everyone): it sits in
 * {@code aws-lib/} beside the jar and is opened in a class loader of its own. In a build's test
 * run the SDK is on the class path already and is used from there.
 */
public final class ArchiveLoader implements Supplier<EmrArchive> {

    static final String IMPLEMENTATION = "livykernel.logs.aws.AwsEmrArchive";
    static final String LIB_DIR = "aws-lib";

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
                    loaded = load();
                }
                a = loaded;
            }
        }
        return a;
    }

    private EmrArchive load() {
        ClassLoader own = ArchiveLoader.class.getClassLoader();
        try {
            Class<?> impl;
            try {
                impl = Class.forName(IMPLEMENTATION, true, own);
            } catch (ClassNotFoundException notBuiltIn) {
                impl = Class.forName(IMPLEMENTATION, true, new URLClassLoader("aws-lib", jars(), own));
            }
            return (EmrArchive) impl.getConstructor(AwsOptions.class).newInstance(options);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ArchiveException("The kernel's AWS libraries could not be loaded (" + e
                    + "): reinstall the kernel with ./install, which puts them in " + LIB_DIR + "/ beside livy-kernel.jar.");
        }
    }

    /** The jars in {@code aws-lib/} beside the kernel's own jar. */
    private static URL[] jars() {
        Path dir = libDir();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw new IOException("no jars in " + dir);
            }
            URL[] urls = new URL[jars.size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = jars.get(i).toUri().toURL();
            }
            return urls;
        } catch (IOException e) {
            throw new ArchiveException("The kernel's AWS libraries are missing (" + e.getMessage()
                    + "): reinstall the kernel with ./install, which puts them in " + LIB_DIR + "/ beside livy-kernel.jar.");
        }
    }

    static Path libDir() {
        try {
            Path jar = Path.of(ArchiveLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.resolveSibling(LIB_DIR);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new ArchiveException("The kernel cannot tell where its jar is, so it cannot find its " + LIB_DIR
                    + "/ libraries: " + e.getMessage());
        }
    }
}
