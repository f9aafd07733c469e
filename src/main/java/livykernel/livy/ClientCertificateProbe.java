package livykernel.livy;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The key manager of an https client without a client certificate: it presents none, but
 * notes that a server asked for one. Under TLS 1.3 a server that requires one only says so
 * after the handshake, and the client sees a bare "Broken pipe" or "unexpected end of stream"; this
 * note lets the error say why. Once a server answered, it evidently did without one.
 */
final class ClientCertificateProbe extends X509ExtendedKeyManager {

    private volatile boolean asked;
    private volatile boolean answered;

    /** True when a server asked for a client certificate and none has answered this client yet. */
    boolean wantsCertificate() {
        return asked && !answered;
    }

    void answered() {
        answered = true;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        asked = true;
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        asked = true;
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return null;
    }
}
