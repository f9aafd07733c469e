package livykernel.livy.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.security.PrivilegedExceptionAction;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A SPNEGO-checking reverse proxy for the end-to-end tests, as Hadoop's AuthenticationFilter in
 * front of a kerberized Livy behaves: a request without {@code Authorization: Negotiate} gets 401
 * with the challenge; a valid token (checked with the service keytab) is forwarded to the
 * upstream endpoint and answered with Livy's mutual-authentication token.
 * JDK only, so the tests run it as {@code java -cp target/test-classes livykernel.livy.auth.SpnegoProxy
 * UPSTREAM_URL KEYTAB PRINCIPAL [cookie]}; it prints its port, then one line per request ("authenticated
 * PRINCIPAL …", "cookie PRINCIPAL …" or "rejected …"). With {@code cookie} it also signs the client in with a
 * {@code hadoop.auth} cookie as Hadoop does, and takes that cookie instead of a token.
 */
public final class SpnegoProxy {

    private static final Set<String> HOP = Set.of("connection", "keep-alive", "transfer-encoding", "host",
            "content-length", "authorization", "upgrade");

    private final String upstream;
    private final Subject service;
    private final GSSCredential acceptor;
    private final boolean issuesCookies;
    private final Map<String, String> cookieUsers = new java.util.concurrent.ConcurrentHashMap<>();

    private SpnegoProxy(String upstream, String keytab, String principal, boolean issuesCookies) throws Exception {
        this.upstream = upstream.replaceAll("/$", "");
        this.issuesCookies = issuesCookies;
        Map<String, String> o = Map.of("useKeyTab", "true", "keyTab", keytab, "principal", principal, "storeKey", "true",
                "isInitiator", "false", "doNotPrompt", "true");
        Configuration conf = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[]{new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, o)};
            }
        };
        LoginContext lc = new LoginContext("spnego-proxy", new Subject(), null, conf);
        lc.login();
        this.service = lc.getSubject();
        this.acceptor = Subject.doAs(service, (PrivilegedExceptionAction<GSSCredential>) () ->
                GSSManager.getInstance().createCredential(null, GSSCredential.INDEFINITE_LIFETIME,
                        new Oid[]{new Oid("1.3.6.1.5.5.2"), new Oid("1.2.840.113554.1.2.2")}, GSSCredential.ACCEPT_ONLY));
    }

    public static void main(String[] args) throws Exception {
        SpnegoProxy proxy = new SpnegoProxy(args[0], args[1], args[2], args.length > 3 && args[3].equals("cookie"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", proxy::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        System.out.println("port " + server.getAddress().getPort());
        System.out.flush();
        // ends with the test: its stdin pipe closes
        while (System.in.read() >= 0) {
            // nothing to read
        }
        System.exit(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String cookie = x.getRequestHeaders().getFirst("Cookie");
            String user = cookie == null ? null : cookieUsers.get(cookie.replaceAll(".*hadoop\\.auth=([^;]*).*", "$1"));
            if (user != null) {
                System.out.println("cookie " + user + " " + x.getRequestMethod() + " " + x.getRequestURI());
                System.out.flush();
                forward(x, null);
                return;
            }
            String auth = x.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Negotiate ")) {
                reject(x, "Authentication required");
                return;
            }
            GSSContext ctx;
            byte[] out;
            try {
                ctx = GSSManager.getInstance().createContext(acceptor);
                byte[] in = Base64.getDecoder().decode(auth.substring(10).trim());
                out = ctx.acceptSecContext(in, 0, in.length);
            } catch (GSSException | IllegalArgumentException e) {
                reject(x, "GSSException: " + e.getMessage());
                return;
            }
            if (!ctx.isEstablished()) {
                reject(x, "context not established");
                return;
            }
            String client;
            try {
                client = ctx.getSrcName().toString();
                ctx.dispose();
            } catch (GSSException e) {
                reject(x, e.getMessage());
                return;
            }
            System.out.println("authenticated " + client + " " + x.getRequestMethod() + " " + x.getRequestURI());
            System.out.flush();
            if (issuesCookies) {
                String value = "\"u=" + client + "&t=kerberos&s=" + java.util.UUID.randomUUID() + "\"";
                cookieUsers.put(value, client);
                System.out.println("issued " + value);
                x.getResponseHeaders().add("Set-Cookie", "hadoop.auth=" + value + "; Path=/; HttpOnly");
            }
            forward(x, out);
        }
    }

    private void forward(HttpExchange x, byte[] mutualToken) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(upstream + x.getRequestURI()).openConnection();
        c.setRequestMethod(x.getRequestMethod());
        c.setInstanceFollowRedirects(false);
        for (Map.Entry<String, List<String>> h : x.getRequestHeaders().entrySet()) {
            if (!HOP.contains(h.getKey().toLowerCase())) {
                for (String v : h.getValue()) {
                    c.addRequestProperty(h.getKey(), v);
                }
            }
        }
        byte[] body = x.getRequestBody().readAllBytes();
        if (body.length > 0 || "POST".equals(x.getRequestMethod())) {
            c.setDoOutput(true);
            try (OutputStream o = c.getOutputStream()) {
                o.write(body);
            }
        }
        int code = c.getResponseCode();
        InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] answer = in == null ? new byte[0] : in.readAllBytes();
        for (Map.Entry<String, List<String>> h : c.getHeaderFields().entrySet()) {
            if (h.getKey() != null && !HOP.contains(h.getKey().toLowerCase())) {
                x.getResponseHeaders().computeIfAbsent(h.getKey(), k -> new java.util.ArrayList<>()).addAll(h.getValue());
            }
        }
        if (mutualToken != null && mutualToken.length > 0) {
            x.getResponseHeaders().set("WWW-Authenticate", "Negotiate " + Base64.getEncoder().encodeToString(mutualToken));
        }
        x.sendResponseHeaders(code, answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            x.getResponseBody().write(answer);
        }
    }

    private static void reject(HttpExchange x, String why) throws IOException {
        System.out.println("rejected " + x.getRequestMethod() + " " + x.getRequestURI() + ": " + why);
        System.out.flush();
        byte[] body = ("{\"msg\": \"" + why.replace("\"", "'") + "\"}").getBytes();
        x.getResponseHeaders().set("WWW-Authenticate", "Negotiate");
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(401, body.length);
        x.getResponseBody().write(body);
    }
}
