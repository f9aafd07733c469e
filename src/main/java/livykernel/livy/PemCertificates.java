package livykernel.livy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PEM certificate files (a CA bundle, a client's chain) with the JDK alone, so a CA bundle
 * never loads Bouncy Castle; every problem is one sentence naming the setting and the file.
 */
final class PemCertificates {

    private PemCertificates() {
    }

    /** The certificates in {@code file}, in file order; at least one. */
    static List<X509Certificate> read(String setting, Path file) {
        byte[] content = readBytes(setting, file);
        if (!new String(content, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new LivyException("The " + setting + " file " + file
                    + " holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block).", null);
        }
        try (InputStream in = new java.io.ByteArrayInputStream(content)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new LivyException("The " + setting + " file " + file + " holds no PEM certificate.", null);
            }
            return out;
        } catch (CertificateException | IOException e) {
            throw new LivyException("The " + setting + " file " + file + " holds a certificate that cannot be parsed ("
                    + e.getMessage() + ").", e);
        }
    }

    /** The file's bytes, or the sentence saying why they cannot be had. */
    static byte[] readBytes(String setting, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new LivyException("The " + setting + " file " + file + " does not exist.", e);
        } catch (AccessDeniedException e) {
            throw new LivyException("The " + setting + " file " + file + " cannot be read: permission denied.", e);
        } catch (IOException e) {
            throw new LivyException("The " + setting + " file " + file + " cannot be read (" + e.getMessage() + ").", e);
        }
    }
}
