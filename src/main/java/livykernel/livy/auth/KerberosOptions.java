package livykernel.livy.auth;

import java.nio.file.Path;

/**
 * What the SPNEGO login needs: the client principal (null: the ticket cache's own), a keytab to
 * log in with instead of the ticket cache, and how to name and trust Livy's service principal.
 */
public record KerberosOptions(String principal, Path keytab, String service, String hostnameOverride, Mutual mutual) {

    /** Whether Livy must prove its identity with a token in its answer (requests-kerberos' three levels). */
    public enum Mutual { REQUIRED, OPTIONAL, DISABLED }

    public KerberosOptions {
        service = service == null || service.isBlank() ? "HTTP" : service;
        mutual = mutual == null ? Mutual.REQUIRED : mutual;
    }
}
