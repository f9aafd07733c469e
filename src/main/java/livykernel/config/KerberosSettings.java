package livykernel.config;

/**
 * How the kernel logs in to Kerberos for {@code auth: "Kerberos"} (SPNEGO). Keys of sparkmagic's
 * {@code kerberos_auth_configuration} (requests-kerberos' arguments) are read as they are, so its
 * config files work unchanged; the keytab is ours (sparkmagic can only use the ticket cache).
 *
 * @param principal        the client principal, or null for the ticket cache's own
 * @param keytab           a keytab file to log in with instead of the ticket cache, or null
 * @param service          the service part of Livy's principal, {@code HTTP} unless configured
 * @param hostnameOverride the host part of Livy's principal instead of the URL's host, or null
 * @param mutual           whether Livy must prove its identity in its answer
 */
public record KerberosSettings(String principal, String keytab, String service, String hostnameOverride,
                               Mutual mutual) {

    /** requests-kerberos' REQUIRED (1), OPTIONAL (2) and DISABLED (3). */
    public enum Mutual { REQUIRED, OPTIONAL, DISABLED }

    public static final KerberosSettings DEFAULT = new KerberosSettings(null, null, "HTTP", null, Mutual.REQUIRED);

    public KerberosSettings {
        service = service == null || service.isBlank() ? "HTTP" : service;
        mutual = mutual == null ? Mutual.REQUIRED : mutual;
    }

    /** sparkmagic writes the Python constants' values (1, 2, 3); names are accepted too. Null when neither. */
    public static Mutual mutual(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "1", "REQUIRED" -> Mutual.REQUIRED;
            case "2", "OPTIONAL" -> Mutual.OPTIONAL;
            case "3", "DISABLED" -> Mutual.DISABLED;
            default -> null;
        };
    }
}
