package livykernel.livy.auth;

import livykernel.livy.LivyException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

import javax.security.auth.Subject;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;

/**
 * SPNEGO tokens from the JDK's GSS-API (Kerberos 5 inside SPNEGO, as browsers and curl send them),
 * with the tickets of {@link KerberosLogin}'s subject; service tickets stay cached in that subject.
 */
final class GssTokens implements SpnegoTokens {

    private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");

    private final KerberosOptions options;
    private final KerberosLogin login;

    GssTokens(KerberosOptions options, Map<String, String> env) {
        this.options = options;
        this.login = new KerberosLogin(options, env);
    }

    @Override
    public String principal() {
        return login.principal();
    }

    @Override
    public String servicePrincipal(String host) {
        return options.service() + "/" + (options.hostnameOverride() != null ? options.hostnameOverride() : host);
    }

    @Override
    public Exchange begin(String host) {
        Subject subject = login.subject();
        String target = options.hostnameOverride() != null ? options.hostnameOverride() : host;
        try {
            return Subject.doAs(subject, (PrivilegedExceptionAction<Exchange>) () -> {
                GSSManager m = GSSManager.getInstance();
                // host-based: the JDK adds the realm and canonicalizes the name as MIT's library does
                GSSName server = m.createName(options.service() + "@" + target, GSSName.NT_HOSTBASED_SERVICE);
                GSSContext ctx = m.createContext(server, SPNEGO, null, GSSContext.DEFAULT_LIFETIME);
                ctx.requestMutualAuth(options.mutual() != KerberosOptions.Mutual.DISABLED);
                ctx.requestCredDeleg(false);
                byte[] token = ctx.initSecContext(new byte[0], 0, 0);
                return new GssExchange(ctx, token);
            });
        } catch (PrivilegedActionException e) {
            Throwable cause = e.getCause();
            if (KerberosErrors.code(cause) != null && KerberosErrors.code(cause) == 32) {
                login.forget();
            }
            throw new LivyException(KerberosErrors.explain(cause, login.principal(), options.keytab(), login.cache(),
                    servicePrincipal(host)), null);
        }
    }

    private static final class GssExchange implements Exchange {
        private final GSSContext ctx;
        private final byte[] token;

        GssExchange(GSSContext ctx, byte[] token) {
            this.ctx = ctx;
            this.token = token;
        }

        @Override
        public byte[] token() {
            return token;
        }

        @Override
        public boolean finish(byte[] serverToken) {
            try {
                if (serverToken != null && !ctx.isEstablished()) {
                    ctx.initSecContext(serverToken, 0, serverToken.length);
                }
                return ctx.isEstablished();
            } catch (GSSException e) {
                return false;
            }
        }

        @Override
        public void close() {
            try {
                ctx.dispose();
            } catch (GSSException e) {
                // nothing held that matters
            }
        }
    }

    private static Oid oid(String s) {
        try {
            return new Oid(s);
        } catch (GSSException e) {
            throw new IllegalStateException(e);
        }
    }
}
