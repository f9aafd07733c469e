package livykernel.livy.auth;

import org.junit.jupiter.api.Test;

import javax.security.auth.login.LoginException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The KDC's answers as the JDK reports them (its message texts, with the code in brackets). */
class KerberosErrorsTest {

    private static Exception jdk(String message) {
        LoginException e = new LoginException(message);
        e.initCause(new Exception(message));
        return e;
    }

    @Test
    void aClockSkewSaysToFixTheClock() {
        assertEquals("This machine's clock and the clock of the KDC of CORP differ by more than Kerberos allows (usually"
                        + " 5 minutes): correct the clock (NTP), then run the cell again.",
                KerberosErrors.explain(jdk("Clock skew too great (37) - CLOCK_SKEW"), "alice@CORP", null, Path.of("/c"), null));
    }

    @Test
    void anUnknownServicePrincipalNamesIt() {
        String s = KerberosErrors.explain(new Exception("No valid credentials provided (Mechanism level: Server not found"
                + " in Kerberos database (7) - LOOKING_UP_SERVER)", new Exception("Server not found in Kerberos database (7)"
                + " - LOOKING_UP_SERVER")), "alice@CORP", null, Path.of("/c"), "HTTP/livy.corp");
        assertTrue(s.startsWith("The KDC of CORP has no principal HTTP/livy.corp for Livy: "), s);
    }

    @Test
    void anUnreachableKdcAndAMissingRealmPointAtKrb5Conf() {
        String s = KerberosErrors.explain(jdk("Cannot contact any KDC for realm 'CORP'"), "alice@CORP", null, null, null);
        assertTrue(s.startsWith("Cannot reach a Kerberos KDC of CORP: check the kdc entries in "), s);
        s = KerberosErrors.explain(jdk("Cannot locate default realm"), null, null, null, null);
        assertTrue(s.startsWith("No Kerberos realm is configured: set default_realm in "), s);
    }

    @Test
    void anExpiredTicketAtTheKdcSaysKinit() {
        assertEquals("The Kerberos ticket of alice@CORP in /c has expired; run kinit alice@CORP, or set kerberos_keytab and"
                        + " kerberos_principal to log in with a keytab.",
                KerberosErrors.explain(jdk("Ticket expired (32) - TKT_EXPIRED"), "alice@CORP", null, Path.of("/c"), "HTTP/h"));
    }

    @Test
    void anythingElseStillNamesThePrincipalAndWhatToDo() {
        String s = KerberosErrors.explain(jdk("Something new\nsecond line"), "alice@CORP", null, null, null);
        assertEquals("The Kerberos login of alice@CORP failed (Something new); run kinit alice@CORP, or set kerberos_keytab"
                + " and kerberos_principal to log in with a keytab.", s);
    }
}
