package livykernel.livy.auth;

import livykernel.livy.LivyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KerberosTicket;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The JAAS login of the kernel's user through the JDK's Krb5LoginModule, configured in code (no
 * jaas.conf for the user to write): from the ticket cache {@code kinit} filled, or from a keytab.
 * Logs in again once the ticket-granting ticket ran out (a keytab renews itself; for the cache, the
 * user may have run {@code kinit} meanwhile).
 */
final class KerberosLogin {

    private static final Logger LOG = LoggerFactory.getLogger(KerberosLogin.class);

    private final KerberosOptions options;
    private final Map<String, String> env;
    private Subject subject;

    KerberosLogin(KerberosOptions options, Map<String, String> env) {
        this.options = options;
        this.env = env;
    }

    /** A logged-in subject with a current ticket-granting ticket; a {@link LivyException} with one sentence otherwise. */
    synchronized Subject subject() {
        if (subject == null || !current(subject)) {
            subject = login();
        }
        return subject;
    }

    /** The principal logged in, or else the configured one, or null. */
    synchronized String principal() {
        if (subject != null) {
            for (KerberosPrincipal p : subject.getPrincipals(KerberosPrincipal.class)) {
                return p.getName();
            }
        }
        return options.principal();
    }

    /** Forgets the login, so that the next request logs in again (a ticket the KDC no longer accepts). */
    synchronized void forget() {
        subject = null;
    }

    Path cache() {
        return options.keytab() == null ? TicketCache.location(env, TicketCache.uid()) : null;
    }

    private Subject login() {
        Krb5Conf.adoptEnvironment();
        Path keytab = options.keytab();
        Path cache = null;
        Map<String, String> o = new HashMap<>();
        o.put("doNotPrompt", "true");
        o.put("isInitiator", "true");
        o.put("refreshKrb5Config", "true");
        if (keytab != null) {
            if (!Files.isReadable(keytab)) {
                throw new LivyException(KerberosErrors.keytabMissing(keytab), null);
            }
            if (options.principal() == null) {
                throw new LivyException(KerberosErrors.keytabWithoutPrincipal(keytab), null);
            }
            o.put("useKeyTab", "true");
            o.put("keyTab", keytab.toString());
            o.put("storeKey", "false");
        } else {
            cache = TicketCache.location(env, TicketCache.uid());
            if (cache == null) {
                throw new LivyException(KerberosErrors.unreadableCache(env.get("KRB5CCNAME"), options.principal(),
                        TicketCache.uid()), null);
            }
            String problem = cacheProblem(cache);
            if (problem != null) {
                throw new LivyException(problem, null);
            }
            o.put("useTicketCache", "true");
            o.put("ticketCache", cache.toString());
        }
        if (options.principal() != null) {
            o.put("principal", options.principal());
        }
        Configuration conf = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[]{new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, o)};
            }
        };
        try {
            LoginContext lc = new LoginContext("livy-kernel", new Subject(), null, conf);
            lc.login();
            Subject s = lc.getSubject();
            LOG.info("Kerberos login of {} from {}", s.getPrincipals(KerberosPrincipal.class),
                    keytab != null ? "the keytab " + keytab : "the ticket cache " + cache);
            return s;
        } catch (LoginException e) {
            LOG.debug("Kerberos login failed", e);
            throw new LivyException(KerberosErrors.explain(e, options.principal(), keytab, cache, null), null);
        }
    }

    /** Why the ticket cache cannot give a login, read before Java tries, which would only say "Unable to obtain password". */
    private String cacheProblem(Path cache) {
        if (!Files.exists(cache)) {
            return KerberosErrors.noCache(cache, options.principal());
        }
        TicketCache.Contents c = TicketCache.read(cache);
        if (c == null) {
            return null;
        }
        if (options.principal() != null && !sameName(options.principal(), c.principal())) {
            return KerberosErrors.otherPrincipal(cache, c.principal(), options.principal());
        }
        if (c.tgtEnd() != null && !c.tgtEnd().isAfter(Instant.now())) {
            return KerberosErrors.expired(c.principal(), cache, c.tgtEnd());
        }
        return null;
    }

    /** "alice" matches "alice@REALM": a principal may be configured without its realm. */
    private static boolean sameName(String configured, String held) {
        return configured.contains("@") ? configured.equals(held) : held.startsWith(configured + "@");
    }

    private static boolean current(Subject s) {
        for (KerberosTicket t : s.getPrivateCredentials(KerberosTicket.class)) {
            if (t.getServer().getName().startsWith("krbtgt/")) {
                return t.isCurrent() && t.getEndTime().toInstant().isAfter(Instant.now().plusSeconds(30));
            }
        }
        return false;
    }
}
