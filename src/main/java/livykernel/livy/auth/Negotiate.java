package livykernel.livy.auth;

import livykernel.livy.LivyException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SPNEGO ({@code Authorization: Negotiate}) for every request to Livy, as sparkmagic's
 * {@code auth: "Kerberos"}: answers a 401 {@code WWW-Authenticate: Negotiate} with a token, checks
 * Livy's mutual-authentication token, and after the first success at a host sends the cookie Livy
 * set (Hadoop's {@code hadoop.auth}) or else a fresh token with every request there, to save the
 * 401 round trip. Each failure is one sentence
 * ({@link LivyException}, never retried, no stack trace).
 */
public final class Negotiate implements Interceptor {

    private static final Logger LOG = LoggerFactory.getLogger(Negotiate.class);
    private static final String SCHEME = "Negotiate";

    private final SpnegoTokens tokens;
    private final KerberosOptions.Mutual mutual;
    private final Set<String> preemptive = ConcurrentHashMap.newKeySet();
    private final AuthCookies cookies = new AuthCookies();

    Negotiate(SpnegoTokens tokens, KerberosOptions.Mutual mutual) {
        this.tokens = tokens;
        this.mutual = mutual;
    }

    /** Kerberos through the JDK's GSS-API; its classes load only here, when Kerberos is configured. */
    public static Negotiate kerberos(KerberosOptions options) {
        return kerberos(options, System.getenv());
    }

    static Negotiate kerberos(KerberosOptions options, Map<String, String> env) {
        return new Negotiate(new GssTokens(options, env), options.mutual());
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        String host = request.url().host();
        String cookie = cookies.header(host);
        if (cookie != null) {
            // Hadoop's AuthenticationFilter (Livy's) signs a hadoop.auth cookie for the authenticated user:
            // sent back, it spares both sides a Kerberos exchange until it expires
            Response r = chain.proceed(request.newBuilder().header("Cookie", cookie).build());
            if (r.code() != 401) {
                cookies.remember(host, r);
                return r;
            }
            r.close();
            cookies.forget(host);
        }
        if (preemptive.contains(host)) {
            SpnegoTokens.Exchange ex = tokens.begin(host);
            Response r = chain.proceed(withToken(request, ex));
            if (r.code() != 401) {
                return cookies.remember(host, checked(r, ex, request));
            }
            // Livy no longer takes the ticket (restarted with a new key, or the ticket ran out): a full round
            ex.close();
            r.close();
            preemptive.remove(host);
        }
        Response r = chain.proceed(request);
        if (r.code() != 401) {
            return r;
        }
        List<String> challenges = r.headers("WWW-Authenticate");
        if (challenges.isEmpty()) {
            // no scheme named: Livy's own 401 sentence says the rest
            return r;
        }
        if (challenges.stream().noneMatch(Negotiate::isNegotiate)) {
            r.close();
            String schemes = String.join(", ", challenges.stream().map(c -> c.split(" ", 2)[0]).distinct().toList());
            throw new LivyException(401, origin(request) + " asks for " + schemes + " authentication, not Kerberos"
                    + " (Negotiate): set auth to Basic_Access with a username and password if it wants Basic, or"
                    + " check that this is the kerberized Livy.");
        }
        r.close();
        SpnegoTokens.Exchange ex = tokens.begin(host);
        Response answered = chain.proceed(withToken(request, ex));
        if (answered.code() == 401) {
            ex.close();
            answered.close();
            throw new LivyException(401, origin(request) + " refused the Kerberos ticket of " + name(tokens.principal())
                    + " for " + tokens.servicePrincipal(host) + ": its keytab may hold an older key, or it has another"
                    + " service principal (set service or hostname_override in kerberos_auth_configuration).");
        }
        Response checked = checked(answered, ex, request);
        preemptive.add(host);
        return cookies.remember(host, checked);
    }

    /** Verifies Livy's mutual-authentication token in a 2xx answer (requests-kerberos checks the same ones). */
    private Response checked(Response r, SpnegoTokens.Exchange ex, Request request) {
        try {
            if (mutual == KerberosOptions.Mutual.DISABLED) {
                return r;
            }
            byte[] serverToken = serverToken(r);
            if (serverToken == null && (mutual == KerberosOptions.Mutual.OPTIONAL || !r.isSuccessful())) {
                return r;
            }
            if (!ex.finish(serverToken)) {
                r.close();
                String host = request.url().host();
                throw new LivyException(r.code(), origin(request) + " did not prove that it is "
                        + tokens.servicePrincipal(host) + " (" + (serverToken == null ? "no" : "a wrong")
                        + " mutual authentication token in its answer); if a proxy in front of Livy drops it, set"
                        + " mutual_authentication to 2 (OPTIONAL) in kerberos_auth_configuration.");
            }
            return r;
        } finally {
            ex.close();
        }
    }

    private static byte[] serverToken(Response r) {
        for (String h : r.headers("WWW-Authenticate")) {
            if (isNegotiate(h) && h.length() > SCHEME.length() + 1) {
                try {
                    return Base64.getDecoder().decode(h.substring(SCHEME.length()).trim());
                } catch (IllegalArgumentException e) {
                    return new byte[0];
                }
            }
        }
        return null;
    }

    private static boolean isNegotiate(String challenge) {
        return challenge.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                && (challenge.length() == SCHEME.length() || challenge.charAt(SCHEME.length()) == ' ');
    }

    private static Request withToken(Request r, SpnegoTokens.Exchange ex) {
        return r.newBuilder().header("Authorization", SCHEME + " " + Base64.getEncoder().encodeToString(ex.token())).build();
    }

    private static String name(String principal) {
        return principal != null ? principal : "the ticket cache's principal";
    }

    /** Scheme, host and port only: a URL may carry credentials. */
    private static String origin(Request r) {
        return "Livy at " + r.url().scheme() + "://" + r.url().host() + ":" + r.url().port();
    }
}
