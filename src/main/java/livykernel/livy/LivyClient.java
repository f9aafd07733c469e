package livykernel.livy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Typed calls to Livy's REST API for interactive sessions. Every call has timeouts; failures
 * become {@link LivyException} with a sentence fit for the user.
 */
public final class LivyClient {

    private static final Logger LOG = LoggerFactory.getLogger(LivyClient.class);
    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
    /**
     * The response header by which the kernel's own endpoint says it can hold a statement GET
     * until the statement changes ({@value #WAIT_PARAM}); its value is the longest wait it grants,
     * in ms. Apache Livy never sends it, so it never sees the parameter.
     */
    public static final String WAIT_HEADER = "X-Livy-Kernel-Wait-For-Change-Max-Ms";
    /** The query parameter of such a held GET: how long to wait for a change, in ms. */
    public static final String WAIT_PARAM = "waitForChangeMs";

    private final HttpUrl base;
    private final OkHttpClient http;
    private final ObjectMapper json = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            // Jackson refuses strings over 20 M characters by default; a big print is cut later, with a note.
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build());
    private final boolean trustsAnyCertificate;
    private final TlsFiles tls;
    private final ClientCertificateProbe probe;
    private final LivyAuth auth;
    // A TLS file that cannot be used: every call fails with its sentence, so that the first cell says it.
    private final LivyException setupError;
    // What the endpoint last said about held GETs (0: it never did); shared with this client's copies.
    private final AtomicLong waitMaxMillis;
    private OkHttpClient heldHttp;

    /**
     * Connection settings for one Livy endpoint.
     *
     * @param ignoreSslErrors for an https URL: accept any certificate and host name (sparkmagic's
     *                        {@code ignore_ssl_errors}); no effect on http
     * @param tls             CA bundle and client certificate for https (Livy's and the Spark UI's)
     * @param auth            authenticates each request: a {@link LivyAuth} (SigV4) runs as a network
     *                        interceptor and sees every attempt and redirect; any other interceptor
     *                        (Kerberos' {@code livy.auth.Negotiate}, which answers a 401 with a new
     *                        attempt) runs inside the retries; null: none
     */
    public record Settings(String url, String username, String password, Map<String, String> headers,
                           Duration connectTimeout, Duration readTimeout, List<Long> retryBackoffMillis,
                           boolean ignoreSslErrors, TlsFiles tls, Interceptor auth) {
        public Settings {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            retryBackoffMillis = retryBackoffMillis == null ? List.of(200L, 500L, 1000L, 2000L) : List.copyOf(retryBackoffMillis);
            tls = tls == null ? TlsFiles.NONE : tls;
        }

        /** Without an auth scheme beyond Basic. */
        public Settings(String url, String username, String password, Map<String, String> headers,
                        Duration connectTimeout, Duration readTimeout, List<Long> retryBackoffMillis,
                        boolean ignoreSslErrors, TlsFiles tls) {
            this(url, username, password, headers, connectTimeout, readTimeout, retryBackoffMillis, ignoreSslErrors, tls, null);
        }

        /** With the JDK's trust only and no client certificate. */
        public Settings(String url, String username, String password, Map<String, String> headers,
                        Duration connectTimeout, Duration readTimeout, List<Long> retryBackoffMillis,
                        boolean ignoreSslErrors) {
            this(url, username, password, headers, connectTimeout, readTimeout, retryBackoffMillis, ignoreSslErrors, null);
        }

        /** With certificate checks on. */
        public Settings(String url, String username, String password, Map<String, String> headers,
                        Duration connectTimeout, Duration readTimeout, List<Long> retryBackoffMillis) {
            this(url, username, password, headers, connectTimeout, readTimeout, retryBackoffMillis, false);
        }

        /** Leaves the password out: records print every component otherwise. */
        @Override
        public String toString() {
            return "Settings[url=" + url + ", username=" + username + ", tls=" + tls
                    + (auth != null ? ", auth=" + auth.getClass().getSimpleName() : "") + "]";
        }
    }

    public LivyClient(Settings settings) {
        HttpUrl parsed = HttpUrl.parse(settings.url());
        if (parsed == null) {
            throw new IllegalArgumentException("'" + settings.url() + "' is not an http(s) URL for Livy");
        }
        this.base = parsed;
        Map<String, String> credentials = new LinkedHashMap<>(settings.headers());
        if (settings.username() != null && settings.password() != null) {
            credentials.put("Authorization", Credentials.basic(settings.username(), settings.password()));
        }
        Map<String, String> fixed = Map.copyOf(credentials);
        String livyHost = parsed.host();
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectionSpecs(connectionSpecsFor(parsed))
                // so that a redirect to https comes back to us, to be explained, rather than
                // failing inside a client that has no TLS
                .followSslRedirects(parsed.isHttps())
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .writeTimeout(settings.readTimeout())
                .retryOnConnectionFailure(false)
                // Livy's CSRF filter rejects POST/DELETE without it; any value is accepted.
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .header("X-Requested-By", "livy-kernel").build()))
                // The configured headers and Basic credentials go to Livy's host only (a gateway
                // such as Knox, or EMR's primary node with its YARN proxy, shares it), never to a
                // Spark UI elsewhere nor where a redirect leads. A network interceptor, because
                // OkHttp builds a followed redirect from the request above that level, so what
                // is added here is never carried to the next host.
                .addNetworkInterceptor(chain -> {
                    Request r = chain.request();
                    if (fixed.isEmpty() || !r.url().host().equalsIgnoreCase(livyHost)) {
                        return chain.proceed(r);
                    }
                    Request.Builder b = r.newBuilder();
                    fixed.forEach(b::header);
                    return chain.proceed(b.build());
                })
                .addInterceptor(new RetryInterceptor(settings.retryBackoffMillis()));
        // A network interceptor sees every attempt the retries and followed redirects make; an
        // application one may answer a challenge with another attempt of its own.
        this.auth = settings.auth() instanceof LivyAuth a ? a : null;
        if (auth != null) {
            builder.addNetworkInterceptor(auth);
        } else if (settings.auth() != null) {
            builder.addInterceptor(settings.auth());
        }
        this.trustsAnyCertificate = settings.ignoreSslErrors() && parsed.isHttps();
        if (trustsAnyCertificate) {
            // Only the scheme, host and port: the URL may carry credentials.
            LOG.warn("ignore_ssl_errors is set: certificate checks are off for Livy at {}://{}:{}",
                    parsed.scheme(), parsed.host(), parsed.port());
        }
        this.tls = settings.tls();
        // Only for https: the probe is a TLS class that an http Livy must not load.
        this.probe = parsed.isHttps() ? new ClientCertificateProbe() : null;
        LivyException problem = null;
        if (parsed.isHttps()) {
            try {
                Certificates.configure(builder, tls, trustsAnyCertificate, probe);
            } catch (LivyException e) {
                LOG.warn("{}", e.getMessage());
                problem = e;
            }
        }
        this.setupError = problem;
        this.http = builder.build();
        this.waitMaxMillis = new AtomicLong();
    }

    /**
     * Plain http Livy gets a cleartext-only client: OkHttp then never builds its TLS socket
     * factory, which loads and parses the JDK's whole CA store (about 250 classes and 3 MiB that
     * a local or in-VPC Livy never uses). An https Spark UI behind it gets TLS from {@link #noRetryHttpFor}.
     */
    private static List<ConnectionSpec> connectionSpecsFor(HttpUrl url) {
        return url.isHttps() ? List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT) : List.of(ConnectionSpec.CLEARTEXT);
    }

    private LivyClient(LivyClient from, OkHttpClient http) {
        this.base = from.base;
        this.http = http;
        this.trustsAnyCertificate = from.trustsAnyCertificate;
        this.tls = from.tls;
        this.probe = from.probe;
        this.auth = from.auth;
        this.setupError = from.setupError;
        this.waitMaxMillis = from.waitMaxMillis;
    }

    /**
     * The same endpoint with every call (retries included) bounded by {@code timeout}: for
     * requests that must answer quickly, such as completion while the user types.
     */
    public LivyClient withCallTimeout(Duration timeout) {
        return new LivyClient(this, http.newBuilder().callTimeout(timeout).build());
    }

    /** True when this client accepts any certificate from Livy ({@code ignore_ssl_errors} on an https URL). */
    public boolean trustsAnyCertificate() {
        return trustsAnyCertificate;
    }

    public String url() {
        return base.toString().replaceAll("/$", "");
    }

    public Session createSession(Map<String, Object> body) {
        return call(post(url("sessions"), body), Session::from);
    }

    public Session getSession(int id) {
        return call(get(url("sessions", id)), Session::from);
    }

    public SessionList listSessions(int from, int size) {
        HttpUrl u = url("sessions").newBuilder().addQueryParameter("from", String.valueOf(from))
                .addQueryParameter("size", String.valueOf(size)).build();
        return call(get(u), SessionList::from);
    }

    public void deleteSession(int id) {
        call(new Request.Builder().url(url("sessions", id)).delete().build(), null);
    }

    /** Records activity on the session, which (unlike a GET) resets Livy's idle timeout. */
    public Session connect(int id) {
        return call(post(url("sessions", id, "connect"), Map.of()), Session::from);
    }

    /** {@code from} may be null for "the last {@code size} lines"; a negative size means all. */
    public SessionLog getLog(int id, Integer from, int size) {
        HttpUrl.Builder b = url("sessions", id, "log").newBuilder().addQueryParameter("size", String.valueOf(size));
        if (from != null) {
            b.addQueryParameter("from", String.valueOf(from));
        }
        return call(get(b.build()), SessionLog::from);
    }

    public Statement submitStatement(int sessionId, String code, String kind) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        if (kind != null) {
            body.put("kind", kind);
        }
        return call(post(url("sessions", sessionId, "statements"), body), Statement::from);
    }

    public Statement getStatement(int sessionId, int statementId) {
        return call(get(url("sessions", sessionId, "statements", statementId)), Statement::from);
    }

    /**
     * The longest a statement GET may be held on this endpoint, in ms, as its last answer said;
     * 0 for Apache Livy (and any endpoint that never said so): then only plain GETs are sent.
     */
    public long statementWaitMaxMillis() {
        return waitMaxMillis.get();
    }

    /** A statement followed with held GETs; {@link HeldStatement#abort} ends the one in flight. */
    public HeldStatement holdStatement(int sessionId, int statementId) {
        return new HeldStatement(sessionId, statementId);
    }

    /** Held GETs of one statement: each returns when the statement changes or its wait passes. */
    public final class HeldStatement {
        private final int sessionId;
        private final int statementId;
        private volatile Call inFlight;
        private final AtomicBoolean abortRequested =
                new AtomicBoolean();

        private HeldStatement(int sessionId, int statementId) {
            this.sessionId = sessionId;
            this.statementId = statementId;
        }

        /**
         * The statement after at most {@code waitMillis} (capped at what the endpoint grants),
         * sooner when it changes; null when {@link #abort} ended the wait. An endpoint that no
         * longer grants waits gets a plain GET.
         */
        public Statement next(long waitMillis) {
            long wait = Math.min(waitMillis, statementWaitMaxMillis());
            HttpUrl u = url("sessions", sessionId, "statements", statementId);
            if (wait <= 0) {
                return call(get(u), Statement::from);
            }
            Request request = get(u.newBuilder().addQueryParameter(WAIT_PARAM, String.valueOf(wait)).build());
            Call call = heldHttp(wait).newCall(livyCall(request));
            inFlight = call;
            // An abort that came between two GETs ends this one at once (it would otherwise hold).
            if (abortRequested.getAndSet(false)) {
                call.cancel();
            }
            try {
                return execute(call, request, Statement::from);
            } catch (LivyException e) {
                if (call.isCanceled()) {
                    return null;
                }
                throw e;
            } finally {
                inFlight = null;
            }
        }

        /** Ends the held GET in flight (or the next one): an interrupt must not wait for the endpoint. */
        public void abort() {
            abortRequested.set(true);
            Call call = inFlight;
            if (call != null) {
                call.cancel();
            }
        }
    }

    private static final long HELD_MARGIN_MILLIS = 10_000;

    /** The read timeout must outlast the wait, or a held GET would fail as a timeout. */
    private synchronized OkHttpClient heldHttp(long waitMillis) {
        // The wait plus a margin, not plus the whole read timeout: an endpoint gone silent (no reset
        // reaches the kernel) must be noticed soon after the wait, as a plain poll's would be.
        long needed = waitMillis + HELD_MARGIN_MILLIS;
        if (heldHttp == null || heldHttp.readTimeoutMillis() < needed) {
            heldHttp = http.newBuilder().readTimeout(Duration.ofMillis(needed)).build();
        }
        return heldHttp;
    }

    public void cancelStatement(int sessionId, int statementId) {
        call(post(url("sessions", sessionId, "statements", statementId, "cancel"), Map.of()), null);
    }

    /** Livy's completion candidates at {@code cursor}; PySpark sessions on real Livy always answer none. */
    public List<String> complete(int sessionId, String code, String kind, int cursor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("kind", kind);
        body.put("cursor", cursor);
        List<String> candidates = call(post(url("sessions", sessionId, "completion"), body),
                n -> JsonFields.texts(n, "candidates"));
        return candidates == null ? List.of() : candidates;
    }

    /**
     * GETs JSON at an absolute URL (the Spark UI's REST API behind {@code appInfo.sparkUiUrl}) with
     * Livy's auth (its configured headers and Basic credentials on Livy's host only), within {@code timeout} and without retries: a progress poll that
     * fails is simply skipped, so it must never hold its thread for the retry backoff.
     * Answers null for Spark's own 404 ("unknown job", "unknown stage": plain text). Redirects are
     * followed (YARN's web proxy sends them: to the active ResourceManager, to the history server
     * once the application ended), also from http to https. An HTML page (YARN's "application not
     * found", the ResourceManager's page for an application not running yet) throws with its gist.
     */
    public JsonNode getAbsolute(String absoluteUrl, Duration timeout) {
        HttpUrl u = HttpUrl.parse(absoluteUrl);
        if (u == null) {
            throw new LivyException("'" + absoluteUrl + "' is not an http(s) URL.", null);
        }
        if (setupError != null) {
            throw setupError;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpUrl at = u;
        for (int hop = 0; ; hop++) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            Answer a = getOnce(at, left);
            if (a.redirect == null) {
                return a.json(u, json);
            }
            if (hop >= MAX_SCHEME_REDIRECTS) {
                throw new LivyException("GET " + u.encodedPath() + " was redirected too often (last to " + a.redirect + ").", null);
            }
            at = a.redirect;
        }
    }

    /** OkHttp follows redirects itself except across schemes from an http Livy's cleartext client. */
    private static final int MAX_SCHEME_REDIRECTS = 10;

    /** One answer of the Spark UI: a redirect OkHttp did not follow, or the code and body. */
    private record Answer(HttpUrl redirect, int code, String contentType, String body, HttpUrl answeredBy) {
        JsonNode json(HttpUrl asked, ObjectMapper mapper) {
            String via = answeredBy.equals(asked) ? "" : " (redirected to " + origin(answeredBy) + answeredBy.encodedPath() + ")";
            boolean html = (contentType != null && contentType.contains("html")) || body.stripLeading().startsWith("<");
            if (html && (code == 404 || (code >= 200 && code < 300))) {
                String gist = HtmlPages.gist(body);
                throw new LivyException(code, "GET " + asked.encodedPath() + via + " answered an HTML page, not Spark's JSON"
                        + (gist.isEmpty() ? "" : " (\"" + gist + "\")") + ".");
            }
            if (code == 404) {
                return null;
            }
            if (code < 200 || code >= 300) {
                throw new LivyException(code, "GET " + asked.encodedPath() + via + " answered " + code + ".");
            }
            try {
                return mapper.readTree(body);
            } catch (JsonProcessingException e) {
                throw new LivyException("GET " + asked.encodedPath() + via + " did not answer JSON (" + e.getOriginalMessage() + ").", e);
            }
        }
    }

    private Answer getOnce(HttpUrl u, long timeoutMillis) {
        Call call = noRetryHttpFor(u).newCall(get(u));
        call.timeout().timeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        ClientCertificateProbe asking = u.isHttps() && !base.isHttps() ? sparkUiProbe : probe;
        try (Response response = call.execute()) {
            answered(asking);
            if (response.isRedirect()) {
                String location = response.header("Location");
                HttpUrl next = location == null ? null : response.request().url().resolve(location);
                // This hop is a new call: Livy's credentials are added anew only where the host is Livy's.
                if (next != null) {
                    return new Answer(next, response.code(), null, "", response.request().url());
                }
            }
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            return new Answer(null, response.code(), response.header("Content-Type"), text, response.request().url());
        } catch (IOException e) {
            String tlsProblem = HandshakeErrors.explain(e, "the Spark UI at " + origin(u), u.host(), tls,
                    asking != null && asking.wantsCertificate());
            throw new LivyException(tlsProblem != null ? tlsProblem : "GET " + origin(u) + u.encodedPath() + " failed: " + e, e);
        }
    }

    private OkHttpClient noRetryHttp;
    private OkHttpClient noRetryTlsHttp;
    private volatile ClientCertificateProbe sparkUiProbe;

    /** The Spark UI may be https behind an http Livy; TLS is then set up on first use only. */
    private synchronized OkHttpClient noRetryHttpFor(HttpUrl u) {
        if (noRetryHttp == null) {
            OkHttpClient.Builder b = http.newBuilder();
            b.interceptors().removeIf(i -> i instanceof RetryInterceptor);
            noRetryHttp = b.build();
        }
        if (!u.isHttps() || base.isHttps()) {
            return noRetryHttp;
        }
        if (noRetryTlsHttp == null) {
            // ignore_ssl_errors is for an https Livy only; the CA bundle and client certificate serve here too
            sparkUiProbe = new ClientCertificateProbe();
            noRetryTlsHttp = Certificates.configure(noRetryHttp.newBuilder().connectionSpecs(connectionSpecsFor(u)),
                    tls, false, sparkUiProbe).build();
        }
        return noRetryTlsHttp;
    }

    private HttpUrl url(Object... segments) {
        HttpUrl.Builder b = base.newBuilder();
        for (Object s : segments) {
            b.addPathSegment(String.valueOf(s));
        }
        return b.build();
    }

    private Request get(HttpUrl u) {
        return new Request.Builder().url(u).get().build();
    }

    private Request post(HttpUrl u, Object body) {
        try {
            return new Request.Builder().url(u).post(RequestBody.create(json.writeValueAsBytes(body), JSON_TYPE)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode request body", e);
        }
    }

    /** Every answer says afresh whether held GETs are granted: a real Livy on the same address never does. */
    private void noteWaitSupport(Response response) {
        String granted = response.header(WAIT_HEADER);
        long max = 0;
        if (granted != null) {
            try {
                max = Math.max(0, Long.parseLong(granted.trim()));
            } catch (NumberFormatException e) {
                LOG.debug("ignoring {}: {}", WAIT_HEADER, granted);
            }
        }
        if (waitMaxMillis.getAndSet(max) != max) {
            LOG.debug("statement GETs held up to {} ms on {}", max, origin(base));
        }
    }

    private static void answered(ClientCertificateProbe p) {
        if (p != null) {
            p.answered();
        }
    }

    /** Scheme, host and port only: a URL may carry credentials. */
    private static String origin(HttpUrl u) {
        return u.scheme() + "://" + u.host() + ":" + u.port();
    }

    /** Tagged as a call to Livy's REST API, which a {@link LivyAuth} signs (Spark UI polls stay unsigned). */
    private static Request livyCall(Request request) {
        return request.newBuilder().tag(LivyAuth.LivyCall.class, LivyAuth.LivyCall.TAG).build();
    }

    private <T> T call(Request request, Function<JsonNode, T> parser) {
        if (setupError != null) {
            throw setupError;
        }
        return execute(http.newCall(livyCall(request)), request, parser);
    }

    private <T> T execute(Call call, Request request, Function<JsonNode, T> parser) {
        if (setupError != null) {
            throw setupError;
        }
        String what = request.method() + " " + request.url().encodedPath();
        try (Response response = call.execute()) {
            answered(probe);
            noteWaitSupport(response);
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            if (response.isRedirect()) {
                throw new LivyException(response.code(), "Livy at " + url() + " redirected " + what + " to "
                        + response.header("Location") + ". Set LIVY_URL (or the url in the config) to that address.");
            }
            if (!response.isSuccessful()) {
                String refusal = auth == null ? null : auth.explainRefusal(response.code(), text, response::header);
                throw new LivyException(response.code(), refusal != null ? refusal
                        : ErrorBodies.describe(response.code(), text, response.header("Content-Type")));
            }
            if (parser == null) {
                return null;
            }
            try {
                JsonNode node = json.readTree(text);
                if (!node.isObject()) {
                    throw LivyException.malformedAnswer(response.code(), "Livy's answer to " + what
                            + " was not the JSON expected (not a JSON object).");
                }
                return parser.apply(node);
            } catch (JsonProcessingException e) {
                throw LivyException.malformedAnswer(response.code(), "Livy's answer to " + what
                        + " was not the JSON expected (" + e.getOriginalMessage() + ").");
            }
        } catch (SocketTimeoutException e) {
            throw new LivyException("Livy at " + url() + " did not answer " + what + " in time (" + e.getMessage() + ").", e);
        } catch (InterruptedIOException e) {
            throw new LivyException("The request " + what + " to Livy was interrupted.", e);
        } catch (AuthFailure e) {
            // 401: not an outage to ride out; the sentence says what to set.
            throw new LivyException(401, e.getMessage());
        } catch (ConnectException | UnknownHostException e) {
            throw new LivyException("Cannot reach Livy at " + url() + " (" + unreachable(e, request.url().host())
                    + "). Check that Livy is running and LIVY_URL is right.", e);
        } catch (IOException e) {
            // an http Livy never speaks TLS (no redirects to https either): nothing to explain
            String tlsProblem = !base.isHttps() ? null : HandshakeErrors.explain(e, "Livy at " + origin(request.url()),
                    request.url().host(), tls, probe.wantsCertificate());
            if (tlsProblem != null) {
                throw new LivyException(tlsProblem, e);
            }
            throw new LivyException("The connection to Livy at " + url() + " failed during " + what + ": " + e.getMessage(), e);
        }
    }

    /** Which of the ways of not reaching a host this was, in the words a user searches for. */
    static String unreachable(IOException e, String host) {
        if (e instanceof UnknownHostException) {
            return "the host name " + host + " is unknown (DNS)";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("refused")) {
                return "connection refused: nothing listens on that port";
            }
            if (m.contains("timed out") || t instanceof SocketTimeoutException) {
                return "the connection timed out: a firewall or security group may drop it";
            }
            if (m.contains("no route") || m.contains("unreachable")) {
                return "no route to the host: " + t.getMessage();
            }
            for (Throwable s : t.getSuppressed()) {
                String r = String.valueOf(s.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (r.contains("refused")) {
                    return "connection refused: nothing listens on that port";
                }
            }
        }
        return e.getMessage();
    }
}
