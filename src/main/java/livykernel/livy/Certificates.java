package livykernel.livy;

import okhttp3.OkHttpClient;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * The TLS pieces of {@link LivyClient} that an http Livy never needs. They live apart so that
 * a cleartext client does not load them (see {@code LivyClient.connectionSpecsFor}).
 */
final class Certificates {

    private Certificates() {
    }

    /** {@code ignore_ssl_errors}: any certificate is accepted and no hostname is checked. */
    static OkHttpClient.Builder trustEverything(OkHttpClient.Builder b) {
        X509TrustManager any = new X509TrustManager() {
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
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {any}, null);
            HostnameVerifier anyHost = (host, session) -> true;
            return b.sslSocketFactory(tls.getSocketFactory(), any).hostnameVerifier(anyHost);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot set up TLS: " + e, e);
        }
    }

    /** True when {@code e} says the server's certificate or host name was not trusted. */
    static boolean isCertificateFailure(IOException e) {
        return e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException;
    }
}
