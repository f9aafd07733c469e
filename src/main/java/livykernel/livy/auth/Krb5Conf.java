package livykernel.livy.auth;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The krb5.conf Java reads. MIT's tools follow {@code KRB5_CONFIG}, Java only its own system
 * property; the kernel passes one to the other so that kinit and the kernel agree on the realm and KDC.
 */
final class Krb5Conf {

    private static final String PROPERTY = "java.security.krb5.conf";

    private Krb5Conf() {
    }

    /** Sets Java's property from {@code KRB5_CONFIG} (its first existing file) unless it is set already. */
    static synchronized void adoptEnvironment() {
        String env = System.getenv("KRB5_CONFIG");
        if (System.getProperty(PROPERTY) != null || env == null || env.isBlank()) {
            return;
        }
        for (String p : env.split(":")) {
            if (!p.isBlank() && Files.isReadable(Path.of(p))) {
                System.setProperty(PROPERTY, p);
                return;
            }
        }
    }

    static String path() {
        String p = System.getProperty(PROPERTY);
        return p != null ? p : "/etc/krb5.conf";
    }
}
