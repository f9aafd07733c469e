package livykernel.livy;

import okhttp3.OkHttpClient;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS pieces of {@link LivyClient} that an http Livy never needs: whom an https client
 * trusts (the JDK's CAs plus {@code ca_bundle}, or anyone for {@code ignore_ssl_errors}) and which
 * client certificate it presents. They live apart so that a cleartext client does not load them
 * (see {@code LivyClient.connectionSpecsFor}).
 */
final class Certificates {

    // Protects the key only inside this process's in-memory key store, which never leaves it.
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private Certificates() {
    }

    /**
     * Sets up {@code b} for {@code files}; without a client certificate {@code probe} notes whether
     * a server asks for one. Throws {@link LivyException} with one sentence for a file that cannot be used.
     */
    static OkHttpClient.Builder configure(OkHttpClient.Builder b, TlsFiles files, boolean trustAnything,
                                          ClientCertificateProbe probe) {
        try {
            X509TrustManager trust = trustAnything ? anyCertificate()
                    : files.caBundle() == null ? jdkTrust() : withBundle(files);
            KeyManager[] keys = files.hasClientCertificate() ? clientKeys(files) : new KeyManager[] {probe};
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys, new TrustManager[] {trust}, null);
            b.sslSocketFactory(tls.getSocketFactory(), trust);
            if (trustAnything) {
                HostnameVerifier anyHost = (host, session) -> true;
                b.hostnameVerifier(anyHost);
            }
            return b;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot set up TLS: " + e, e);
        }
    }

    /** The JDK's default trust manager (its cacerts, or {@code javax.net.ssl.trustStore}). */
    static X509TrustManager jdkTrust() throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        return x509(f.getTrustManagers());
    }

    /**
     * One PKIX trust manager over the JDK's CAs and the bundle's: one validation over all anchors
     * keeps the JDK's own error reasons (expired, unknown issuer), which a chain of managers would blur.
     */
    static X509TrustManager withBundle(TlsFiles files) throws GeneralSecurityException {
        List<X509Certificate> extra = PemCertificates.read("ca_bundle", files.caBundle());
        KeyStore anchors = emptyStore();
        int n = 0;
        for (X509Certificate c : jdkTrust().getAcceptedIssuers()) {
            anchors.setCertificateEntry("jdk-" + n++, c);
        }
        for (X509Certificate c : extra) {
            anchors.setCertificateEntry("ca-bundle-" + n++, c);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(anchors);
        return x509(f.getTrustManagers());
    }

    private static KeyManager[] clientKeys(TlsFiles files) throws GeneralSecurityException {
        if (files.clientCert() == null || files.clientKey() == null) {
            throw new LivyException(files.clientCert() == null
                    ? "client_key is set but client_cert is not: a client certificate needs both PEM files."
                    : "client_cert is set but client_key is not: a client certificate needs both PEM files.", null);
        }
        List<X509Certificate> chain = PemCertificates.read("client_cert", files.clientCert());
        PrivateKey key = PemKeys.read(files.clientKey(), files.clientKeyPassword());
        if (!belongTogether(key, chain.get(0))) {
            throw new LivyException("The client_key file " + files.clientKey()
                    + " does not belong to the first certificate in the client_cert file " + files.clientCert() + ".", null);
        }
        KeyStore store = emptyStore();
        store.setKeyEntry("client", key, IN_MEMORY, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(store, IN_MEMORY);
        return f.getKeyManagers();
    }

    /** Signs a probe with the key and checks it with the certificate: works for RSA and EC alike. */
    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // other kinds: the handshake will tell
        }
        try {
            byte[] probe = "livy-kernel key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signed = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("this JVM has no X.509 trust manager");
    }

    /** {@code ignore_ssl_errors}: any certificate is accepted (and, in {@link #configure}, any host name). */
    private static X509TrustManager anyCertificate() {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }
}
