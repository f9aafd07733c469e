package livykernel.livy;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed TLS handshake into one sentence naming the server and what to change: an
 * unknown CA, an expired certificate, a host name the certificate does not hold, a client
 * certificate the server wants or refuses.
 */
final class HandshakeErrors {

    private static final Pattern NAMES = Pattern.compile("subjectAltNames: \\[([^]]*)]");

    private HandshakeErrors() {
    }

    /**
     * The sentence for {@code e}, or null when it is no TLS failure.
     *
     * @param who the server as the user knows it, e.g. "Livy at https://host:8998"
     * @param askedForClientCertificate a server asked this client for a certificate and none answered
     *                                  ({@link ClientCertificateProbe#wantsCertificate})
     */
    static String explain(IOException e, String who, String host, TlsFiles files, boolean askedForClientCertificate) {
        boolean wantedOne = askedForClientCertificate && !files.hasClientCertificate();
        if (!(e instanceof SSLException) && !alert(e, "certificate_required") && !alert(e, "bad_certificate")
                && !wantedOne) {
            return null;
        }
        if (has(e, CertificateExpiredException.class) || reason(e, CertPathValidatorException.BasicReason.EXPIRED)) {
            return who + " presented a certificate that has expired; the server needs a renewed certificate.";
        }
        if (has(e, CertificateNotYetValidException.class) || reason(e, CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
            return who + " presented a certificate that is not valid yet; check the server's and this machine's clocks.";
        }
        if (has(e, CertPathBuilderException.class) || contains(e, "unable to find valid certification path")) {
            return who + " presented a certificate signed by a CA this kernel does not trust: "
                    + (files.caBundle() == null ? "put that CA's PEM certificate in a file and set ca_bundle (or LIVY_CA_BUNDLE) to it"
                    : "the CA is neither among the JDK's nor in the ca_bundle file " + files.caBundle())
                    + " (ignore_ssl_errors switches the checks off instead).";
        }
        if (e instanceof SSLPeerUnverifiedException && contains(e, "not verified")) {
            Matcher m = NAMES.matcher(String.valueOf(e.getMessage()));
            String names = m.find() && !m.group(1).isBlank() ? m.group(1) : "other names";
            return who + " presented a certificate for " + names + ", not for " + host
                    + ": use a host name the certificate holds in the URL.";
        }
        if (wantedOne || alert(e, "certificate_required") || alert(e, "bad_certificate") || alert(e, "unknown_ca")
                || (alert(e, "handshake_failure") && !files.hasClientCertificate())) {
            return files.hasClientCertificate()
                    ? who + " refused the client certificate in " + files.clientCert()
                    + ": it wants one signed by a CA it trusts."
                    : who + " asks for a client certificate: set client_cert and client_key"
                    + " (or LIVY_CLIENT_CERT and LIVY_CLIENT_KEY) to its PEM files.";
        }
        return "The TLS handshake with " + who + " failed (" + e.getMessage() + ").";
    }

    private static boolean alert(Throwable e, String name) {
        return contains(e, "fatal alert: " + name);
    }

    private static boolean contains(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean reason(Throwable e, CertPathValidatorException.Reason r) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException v && v.getReason() == r) {
                return true;
            }
        }
        return false;
    }
}
