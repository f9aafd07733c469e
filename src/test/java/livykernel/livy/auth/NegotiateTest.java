package livykernel.livy.auth;

import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The SPNEGO exchange against a scripted server, with tokens from a stand-in for the GSS-API. */
class NegotiateTest {

    private static final String SESSION = "{\"id\":1,\"state\":\"idle\",\"kind\":\"pyspark\"}";
    private static final String CHALLENGE = "Negotiate";
    private static final String MUTUAL = "Negotiate " + b64("server-proof");

    private MockWebServer server;
    private final FakeTokens tokens = new FakeTokens();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private LivyClient client(KerberosOptions.Mutual mutual) {
        return new LivyClient(new LivyClient.Settings(server.url("/").toString(), null, null, Map.of(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), List.of(1L, 1L), false, null, new Negotiate(tokens, mutual)));
    }

    private static MockResponse unauthorized(String challenge) {
        return new MockResponse().setResponseCode(401).addHeader("WWW-Authenticate", challenge).setBody("{\"msg\":\"no\"}");
    }

    private static MockResponse ok(String mutual) {
        MockResponse r = new MockResponse().setBody(SESSION).addHeader("Content-Type", "application/json");
        return mutual == null ? r : r.addHeader("WWW-Authenticate", mutual);
    }

    @Test
    void answersTheChallengeThenSendsATokenWithEveryRequest() throws Exception {
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(ok(MUTUAL));
        server.enqueue(ok(MUTUAL));
        LivyClient c = client(KerberosOptions.Mutual.REQUIRED);
        assertEquals(1, c.getSession(1).id());
        assertEquals(1, c.getSession(1).id());
        assertNull(server.takeRequest(1, TimeUnit.SECONDS).getHeader("Authorization"), "the first request asks without");
        assertEquals("Negotiate " + b64("token-1"), server.takeRequest(1, TimeUnit.SECONDS).getHeader("Authorization"));
        RecordedRequest third = server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("Negotiate " + b64("token-2"), third.getHeader("Authorization"), "a fresh token, sent at once");
        assertEquals(List.of("server-proof", "server-proof"), tokens.proofs);
        assertEquals(3, server.getRequestCount());
    }

    @Test
    void aRefusedTicketIsOneSentenceNamingBothPrincipals() {
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(unauthorized(CHALLENGE));
        LivyException e = assertThrows(LivyException.class, () -> client(KerberosOptions.Mutual.REQUIRED).getSession(1));
        assertEquals("Livy at http://" + server.getHostName() + ":" + server.getPort() + " refused the Kerberos ticket of"
                + " alice@CORP for HTTP/" + server.getHostName() + ": its keytab may hold an older key, or it has another"
                + " service principal (set service or hostname_override in kerberos_auth_configuration).", e.getMessage());
        assertEquals(2, server.getRequestCount(), "never retried");
    }

    @Test
    void aMissingMutualTokenFailsWhenRequiredAndPassesWhenOptional() {
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(ok(null));
        LivyException e = assertThrows(LivyException.class, () -> client(KerberosOptions.Mutual.REQUIRED).getSession(1));
        assertTrue(e.getMessage().contains("did not prove that it is HTTP/" + server.getHostName()
                + " (no mutual authentication token in its answer)"), e.getMessage());
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(ok(null));
        assertEquals(1, client(KerberosOptions.Mutual.OPTIONAL).getSession(1).id());
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(ok("Negotiate " + b64("forged")));
        e = assertThrows(LivyException.class, () -> client(KerberosOptions.Mutual.OPTIONAL).getSession(1));
        assertTrue(e.getMessage().contains("(a wrong mutual authentication token in its answer)"), e.getMessage());
    }

    @Test
    void aChallengeOfAnotherSchemeIsNamed() {
        server.enqueue(unauthorized("Basic realm=\"knox\""));
        LivyException e = assertThrows(LivyException.class, () -> client(KerberosOptions.Mutual.REQUIRED).getSession(1));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().endsWith(" asks for Basic authentication, not Kerberos (Negotiate): set auth to"
                + " Basic_Access with a username and password if it wants Basic, or check that this is the kerberized"
                + " Livy."), e.getMessage());
        assertEquals(0, tokens.issued, "no ticket asked for");
        server.enqueue(new MockResponse().setResponseCode(401).setBody("{\"msg\":\"who?\"}"));
        e = assertThrows(LivyException.class, () -> client(KerberosOptions.Mutual.REQUIRED).getSession(1));
        assertTrue(e.getMessage().startsWith("Livy answered HTTP 401"), e.getMessage());
    }

    @Test
    void aLoginFailureIsTheCallsErrorAndIsNotRetried() {
        tokens.failure = "There is no Kerberos ticket: the ticket cache /tmp/krb5cc_1 does not exist; run kinit alice@CORP.";
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(ok(MUTUAL));
        LivyException e = assertThrows(LivyException.class, () -> client(KerberosOptions.Mutual.REQUIRED).getSession(1));
        assertEquals(tokens.failure, e.getMessage());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void aTicketNoLongerTakenStartsAFullRoundAgain() throws Exception {
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(ok(MUTUAL));
        server.enqueue(unauthorized(CHALLENGE));   // the preemptive token, refused (Livy got a new key)
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(ok(MUTUAL));
        LivyClient c = client(KerberosOptions.Mutual.REQUIRED);
        c.getSession(1);
        assertEquals(1, c.getSession(1).id());
        assertEquals(5, server.getRequestCount());
    }

    @Test
    void hadoopsAuthCookieIsSentBackInsteadOfANewTokenUntilRefused() throws Exception {
        server.enqueue(unauthorized(CHALLENGE));
        server.enqueue(ok(MUTUAL).addHeader("Set-Cookie", "hadoop.auth=\"u=alice&t=kerberos&s=sig1\"; Path=/; HttpOnly"));
        server.enqueue(ok(null));
        server.enqueue(unauthorized(CHALLENGE));   // the cookie expired: the token round again
        server.enqueue(ok(MUTUAL).addHeader("Set-Cookie", "hadoop.auth=\"u=alice&t=kerberos&s=sig2\"; Path=/"));
        server.enqueue(ok(null));
        LivyClient c = client(KerberosOptions.Mutual.REQUIRED);
        for (int i = 0; i < 4; i++) {
            assertEquals(1, c.getSession(1).id());
        }
        List<RecordedRequest> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(server.takeRequest(1, TimeUnit.SECONDS));
        }
        assertEquals("hadoop.auth=\"u=alice&t=kerberos&s=sig1\"", seen.get(2).getHeader("Cookie"));
        assertNull(seen.get(2).getHeader("Authorization"), "no token beside the cookie");
        assertEquals(seen.get(2).getHeader("Cookie"), seen.get(3).getHeader("Cookie"));
        assertEquals("Negotiate " + b64("token-2"), seen.get(4).getHeader("Authorization"));
        assertNull(seen.get(4).getHeader("Cookie"), "the refused cookie is dropped");
        assertEquals("hadoop.auth=\"u=alice&t=kerberos&s=sig2\"", seen.get(5).getHeader("Cookie"));
        assertEquals(2, tokens.issued);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Issues token-1, token-2 … and accepts "server-proof" as Livy's mutual token. */
    private static final class FakeTokens implements SpnegoTokens {
        int issued;
        String failure;
        final List<String> proofs = new ArrayList<>();

        @Override
        public Exchange begin(String host) {
            if (failure != null) {
                throw new LivyException(failure, null);
            }
            byte[] token = ("token-" + ++issued).getBytes(StandardCharsets.UTF_8);
            return new Exchange() {
                @Override
                public byte[] token() {
                    return token;
                }

                @Override
                public boolean finish(byte[] serverToken) {
                    if (serverToken == null) {
                        return false;
                    }
                    String proof = new String(serverToken, StandardCharsets.UTF_8);
                    proofs.add(proof);
                    return proof.equals("server-proof");
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public String principal() {
            return "alice@CORP";
        }

        @Override
        public String servicePrincipal(String host) {
            return "HTTP/" + host;
        }
    }
}
