package livykernel.livy;

import java.nio.file.Path;

/**
 * The PEM files an https client uses beyond the JDK's defaults: extra CAs to trust and an
 * optional client certificate with its key. Every part may be null.
 *
 * @param caBundle          CA certificates added to the JDK's trust, never replacing it
 * @param clientCert        the client's certificate chain, leaf first
 * @param clientKey         the client certificate's private key (PKCS#1, PKCS#8, SEC1, encrypted or not)
 * @param clientKeyPassword the key's password, or null for an unencrypted key
 */
public record TlsFiles(Path caBundle, Path clientCert, Path clientKey, String clientKeyPassword) {

    /** No files: the JDK's trust and no client certificate. */
    public static final TlsFiles NONE = new TlsFiles(null, null, null, null);

    public boolean isEmpty() {
        return caBundle == null && clientCert == null && clientKey == null;
    }

    public boolean hasClientCertificate() {
        return clientCert != null || clientKey != null;
    }

    /** The password is masked: records print every component otherwise. */
    @Override
    public String toString() {
        return "TlsFiles[caBundle=" + caBundle + ", clientCert=" + clientCert + ", clientKey=" + clientKey
                + ", clientKeyPassword=" + (clientKeyPassword == null ? "none" : "***") + "]";
    }
}
