package livykernel.livy;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;

/**
 * Reads a PEM private key in any form openssl writes: PKCS#1 RSA, PKCS#8, SEC1 EC, encrypted
 * PKCS#8 and legacy OpenSSL-encrypted ({@code Proc-Type: 4,ENCRYPTED}). The only class that
 * touches Bouncy Castle, so it is loaded only when a client key is configured.
 */
final class PemKeys {

    private static final String SETTING = "client_key";

    // Decryption needs ciphers and key derivations the JDK lacks (PKCS7Padding, OpenSSL's EVP_BytesToKey);
    // an instance passed to the builders, never registered JVM-wide.
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private PemKeys() {
    }

    /** SEC1 may leave out the public key (openssl writes it, others do not); the private part is all we need. */
    private static PrivateKey privateKey(JcaPEMKeyConverter converter, PEMKeyPair pair) throws IOException {
        return pair.getPublicKeyInfo() == null ? converter.getPrivateKey(pair.getPrivateKeyInfo())
                : converter.getKeyPair(pair).getPrivate();
    }

    static PrivateKey read(Path file, String password) {
        String content = new String(PemCertificates.readBytes(SETTING, file), StandardCharsets.US_ASCII);
        // The JCA converter uses the JDK's own providers: no need to register Bouncy Castle's.
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser pem = new PEMParser(new StringReader(content))) {
            Object item;
            while ((item = readNext(pem, file)) != null) {
                if (item instanceof PEMKeyPair pair) {
                    return privateKey(converter, pair);
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PEMEncryptedKeyPair encrypted) {
                    char[] pw = required(password, file);
                    try {
                        return privateKey(converter, encrypted.decryptKeyPair(
                                new JcePEMDecryptorProviderBuilder().setProvider(BC).build(pw)));
                    } catch (IOException | RuntimeException e) {
                        throw wrongPassword(file, e);
                    }
                }
                if (item instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    char[] pw = required(password, file);
                    try {
                        return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                                new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pw)));
                    } catch (IOException | RuntimeException | org.bouncycastle.operator.OperatorCreationException
                             | org.bouncycastle.pkcs.PKCSException e) {
                        throw wrongPassword(file, e);
                    }
                }
                // other blocks (a certificate, "EC PARAMETERS") may share the file: skip them
            }
        } catch (IOException e) {
            throw new LivyException("The " + SETTING + " file " + file + " cannot be read (" + e.getMessage() + ").", e);
        }
        throw new LivyException("The " + SETTING + " file " + file + " holds no PEM private key.", null);
    }

    private static Object readNext(PEMParser pem, Path file) {
        try {
            return pem.readObject();
        } catch (IOException | RuntimeException e) {
            throw new LivyException("The " + SETTING + " file " + file + " holds a PEM block that is not a valid key ("
                    + e.getMessage() + ").", e);
        }
    }

    private static char[] required(String password, Path file) {
        if (password == null || password.isEmpty()) {
            throw new LivyException("The " + SETTING + " file " + file
                    + " is encrypted: set client_key_password (or LIVY_CLIENT_KEY_PASSWORD).", null);
        }
        return password.toCharArray();
    }

    /** Never names the password, only that it did not open the key. */
    private static LivyException wrongPassword(Path file, Exception e) {
        return new LivyException("The " + SETTING + " file " + file
                + " could not be decrypted: client_key_password is wrong.", e);
    }
}
