package livykernel.livy.auth;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One sentence for each way a Kerberos login or ticket request fails, naming the principal and
 * what to do; sparkmagic shows all of them as "maximum retry encountered". The JDK reports the
 * KDC's answer only as text with its code in brackets ("Client not found in Kerberos database (6)").
 */
final class KerberosErrors {

    private static final Pattern CODE = Pattern.compile("\\((\\d{1,3})\\)(?: - [A-Z_]+)?\\s*$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private KerberosErrors() {
    }

    /** What the user can do to get a ticket again, as the end of a sentence. */
    static String remedy(String principal) {
        return "run kinit " + (principal != null ? principal : "YOUR_PRINCIPAL")
                + ", or set kerberos_keytab and kerberos_principal to log in with a keytab.";
    }

    static String noCache(Path cache, String principal) {
        return "There is no Kerberos ticket: the ticket cache " + cache + " does not exist; " + remedy(principal);
    }

    static String unreadableCache(String krb5ccname, String principal, long uid) {
        return "KRB5CCNAME is " + krb5ccname + ", a kind of ticket cache Java cannot read: run kinit -c FILE:/tmp/krb5cc_"
                + uid + (principal != null ? " " + principal : "") + " and set KRB5CCNAME=FILE:/tmp/krb5cc_" + uid
                + " for the kernel, or set kerberos_keytab and kerberos_principal to log in with a keytab.";
    }

    static String expired(String principal, Path cache, Instant end) {
        return "The Kerberos ticket of " + principal + " in " + cache + " expired at " + TIME.format(end) + "; "
                + remedy(principal);
    }

    static String otherPrincipal(Path cache, String holder, String wanted) {
        return "The ticket cache " + cache + " holds the tickets of " + holder + ", not of " + wanted + "; "
                + remedy(wanted);
    }

    static String keytabMissing(Path keytab) {
        return "kerberos_keytab " + keytab + " does not exist or cannot be read.";
    }

    static String keytabWithoutPrincipal(Path keytab) {
        return "kerberos_keytab is set but kerberos_principal is not: set it to the principal the keytab is for"
                + " (klist -k " + keytab + " lists them).";
    }

    /**
     * The sentence for a failed login or ticket request of {@code principal} (null: the ticket
     * cache's), or for a failed service ticket for {@code service} ("HTTP/host", null at login).
     */
    static String explain(Throwable e, String principal, Path keytab, Path cache, String service) {
        String who = principal != null ? principal : "the ticket cache's principal";
        String realm = principal != null && principal.contains("@") ? principal.substring(principal.indexOf('@') + 1) : null;
        String kdc = realm != null ? "The KDC of " + realm : "The KDC";
        Integer code = code(e);
        if (code != null) {
            switch (code) {
                case 6 -> {
                    return kdc + " does not know the principal " + who + ": check kerberos_principal"
                            + (keytab == null ? " or the principal you ran kinit with." : " and kerberos_keytab " + keytab + ".");
                }
                case 7 -> {
                    return kdc + " has no principal " + service + " for Livy: put the host name that Livy's Kerberos"
                            + " principal is for in the URL, or set it as hostname_override in kerberos_auth_configuration.";
                }
                case 18 -> {
                    return kdc + " refused " + who + ": the principal is disabled or locked; ask the Kerberos admin.";
                }
                case 24, 31 -> {
                    return keytab != null ? staleKey(kdc, who, keytab) : kdc + " refused the credentials of " + who + "; "
                            + remedy(principal);
                }
                case 32 -> {
                    return "The Kerberos ticket of " + who + (cache != null && keytab == null ? " in " + cache : "")
                            + " has expired; " + remedy(principal);
                }
                case 37 -> {
                    return "This machine's clock and the clock of " + (realm != null ? "the KDC of " + realm : "the KDC")
                            + " differ by more than Kerberos allows (usually 5 minutes): correct the clock (NTP), then"
                            + " run the cell again.";
                }
                default -> {
                    // described below
                }
            }
        }
        String text = messages(e);
        // without pre-authentication the KDC answers anyway, and an old key fails to decrypt its answer here
        if (keytab != null && service == null && (text.contains("Checksum failed") || text.contains("Integrity check"))) {
            return staleKey(kdc, who, keytab);
        }
        if (text.contains("Cannot locate default realm")) {
            return "No Kerberos realm is configured: set default_realm in " + Krb5Conf.path()
                    + " (or KRB5_CONFIG to a krb5.conf that has it).";
        }
        if (text.contains("Cannot contact any KDC") || text.contains("Receive timed out")
                || has(e, java.net.ConnectException.class) || has(e, java.net.PortUnreachableException.class)
                || has(e, java.net.SocketTimeoutException.class)) {
            return "Cannot reach a Kerberos KDC" + (realm != null ? " of " + realm : "") + ": check the kdc entries in "
                    + Krb5Conf.path() + " and that the KDC is up.";
        }
        if (keytab != null && text.contains("Unable to obtain password")) {
            return "kerberos_keytab " + keytab + " holds no key for " + who + " (klist -k " + keytab
                    + " lists its principals): set kerberos_principal to one of them, or make a keytab for " + who + ".";
        }
        if (text.contains("Unable to obtain password") || text.contains("Failed to find any Kerberos tgt")
                || text.contains("Unable to obtain Principal Name")) {
            return "There is no valid Kerberos ticket" + (principal != null ? " of " + principal : "")
                    + (cache != null ? " in " + cache : "") + "; " + remedy(principal);
        }
        return "The Kerberos login of " + who + " failed (" + firstLine(e) + "); " + remedy(principal);
    }

    private static String staleKey(String kdc, String who, Path keytab) {
        return kdc + " refused the key of " + who + " in kerberos_keytab " + keytab + " (it is out of date:"
                + " the password or key version changed); make a new keytab for " + who + ".";
    }

    /** The KDC's error code: the bracketed number ending the message of the exception or a cause. */
    static Integer code(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = CODE.matcher(t.getMessage());
                if (m.find()) {
                    return Integer.valueOf(m.group(1));
                }
            }
        }
        return null;
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString();
    }

    private static boolean has(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl > 0 ? m.substring(0, nl) : m).trim();
    }
}
