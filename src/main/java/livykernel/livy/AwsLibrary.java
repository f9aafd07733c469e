package livykernel.livy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The AWS SDK and the kernel's classes that use it, opened on first use. They are not in the
 * kernel's jar (they would cost start-up time and idle memory for everyone): they sit in
 * {@code aws-lib/} beside it, in one class loader shared by every user (SigV4 signing, the EMR
 * log archive). In a build's test run the SDK is on the class path already and is used from there.
 */
public final class AwsLibrary {

    public static final String LIB_DIR = "aws-lib";

    private static URLClassLoader loader;

    private AwsLibrary() {
    }

    /**
     * A new {@code className} made with its one-argument constructor taking {@code arg}.
     *
     * @throws IllegalStateException with the user's sentence when the libraries are missing or broken
     */
    public static <T> T create(String className, Class<T> type, Class<?> argType, Object arg) {
        try {
            return type.cast(implementation(className).getConstructor(argType).newInstance(arg));
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("The kernel's AWS libraries could not be loaded (" + e
                    + "): reinstall the kernel with ./install, which puts them in " + LIB_DIR + "/ beside livy-kernel.jar.");
        }
    }

    private static Class<?> implementation(String className) throws ClassNotFoundException {
        ClassLoader own = AwsLibrary.class.getClassLoader();
        try {
            return Class.forName(className, true, own);
        } catch (ClassNotFoundException notBuiltIn) {
            return Class.forName(className, true, loader(own));
        }
    }

    private static synchronized ClassLoader loader(ClassLoader parent) {
        if (loader == null) {
            loader = new URLClassLoader(LIB_DIR, jars(), parent);
        }
        return loader;
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
            throw new IllegalStateException("The kernel's AWS libraries are missing (" + e.getMessage()
                    + "): reinstall the kernel with ./install, which puts them in " + LIB_DIR + "/ beside livy-kernel.jar.");
        }
    }

    static Path libDir() {
        try {
            Path jar = Path.of(AwsLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.resolveSibling(LIB_DIR);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("The kernel cannot tell where its jar is, so it cannot find its " + LIB_DIR
                    + "/ libraries: " + e.getMessage());
        }
    }
}
