package livykernel.magics;

import livykernel.display.Bundles;
import livykernel.config.KerberosSettings;
import livykernel.config.KernelConfig;
import livykernel.livy.auth.TicketCache;
import livykernel.display.InfoReport;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyException;
import livykernel.livy.Session;
import livykernel.livy.SigV4Signer;
import livykernel.progress.SparkHistory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code %%info}: this kernel's session (ids, state, links), the endpoint and session
 * configuration in effect with secrets masked, and every session on the endpoint.
 */
final class InfoMagic implements Magic {


    private final MagicContext ctx;

    InfoMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "This kernel's Spark session (id, application, state, Spark UI and driver log links; a finished or gone "
                + "session's page on the Spark history server when spark_history_server_url is set), the endpoint and "
                + "session configuration in effect (secrets masked), and all sessions on the endpoint.";
    }

    @Override
    public String example() {
        return "%%info";
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        out.display(bundle(), Map.of(), null);
        return CellResult.success();
    }

    Map<String, Object> bundle() {
        InfoReport report = new InfoReport();
        Session own = currentSession(report);
        report.endpoint(endpoint());
        report.configuration(Bundles.json(SecretMasker.mask(ctx.sessions().creationBody())));
        report.allSessionsHeading();
        try {
            report.allSessions(ctx.sessions().list(), own == null ? null : own.id());
        } catch (LivyException | IllegalStateException e) {
            String msg = "Could not list the sessions: " + e.getMessage();
            report.note(msg, msg);
        }
        return report.bundle();
    }

    /** Shows this kernel's session; returns what is known of it (null: none yet). */
    private Session currentSession(InfoReport report) {
        Session known = ctx.sessions().current();
        report.ownSessionHeading();
        if (known == null) {
            report.note("No Spark session yet: the first cell that runs code starts one (with the configuration below).",
                    "Spark session: none yet. The first cell that runs code starts one.");
            return null;
        }
        Session s;
        try {
            s = ctx.sessions().refresh(null);
        } catch (LivyException e) {
            String msg = "Session " + known.id() + ": could not read its state (" + e.getMessage() + ").";
            report.note(msg, msg);
            return known;
        }
        if (s == null) {
            String msg = "Session " + known.id() + " is gone from Livy (deleted or reaped); the next cell starts a new one.";
            report.note(msg, msg);
            String history = historyLink(known);
            if (history != null) {
                report.link("Its application " + known.appId() + " on the Spark history server", history);
            }
            return known;
        }
        report.session(s, s.isFinished() ? historyLink(s) : null);
        if (ctx.sessions().isAttached()) {
            String msg = "Attached (%%attach): session " + s.id() + " is not this kernel's own; the kernel never deletes "
                    + "it. %%detach returns to a session of the kernel's own.";
            report.note(msg, msg);
        }
        return s;
    }

    /** The application's page on the history server, when one is configured and the application is known. */
    private String historyLink(Session s) {
        SparkHistory history = ctx.progress() == null ? null : ctx.progress().history();
        return history == null || s.appId() == null ? null : history.uiLink(s.appId());
    }

    private static String human(java.time.Duration d) {
        long m = d.toMinutes();
        return m % 60 == 0 && m > 0 ? (m / 60) + " h" : m > 0 ? m + " min" : d.toSeconds() + " s";
    }

    /** Who the kernel is to Kerberos and where its tickets come from; a keytab by its path only. */
    private static void kerberos(KernelConfig c, Map<String, Object> e) {
        KerberosSettings k = c.kerberos();
        if (k.keytab() != null) {
            e.put("kerberos_principal", k.principal() != null ? k.principal() : "(not set: kerberos_principal is needed with a keytab)");
            e.put("kerberos_keytab", k.keytab());
        } else {
            java.nio.file.Path cache = TicketCache.location();
            TicketCache.Contents held = TicketCache.read(cache);
            e.put("kerberos_principal", k.principal() != null ? k.principal()
                    : held != null ? held.principal() : "(the ticket cache's, which holds none now)");
            e.put("kerberos_ticket_cache", cache == null ? "KRB5CCNAME=" + System.getenv("KRB5CCNAME") + " (Java cannot read it)"
                    : held == null ? cache + " (missing: run kinit)"
                    : held.tgtEnd() == null ? cache.toString()
                    : cache + (held.tgtEnd().isAfter(java.time.Instant.now()) ? " (valid until " : " (expired at ")
                    + held.tgtEnd().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
        }
        String host = k.hostnameOverride();
        if (host == null) {
            try {
                host = java.net.URI.create(c.livyUrl()).getHost();
            } catch (RuntimeException bad) {
                host = null;
            }
            host = host == null ? "<Livy's host>" : host;
        }
        e.put("kerberos_service", k.service() + "/" + host + ", mutual authentication " + k.mutual().name().toLowerCase());
    }

    /** The endpoint settings in effect, secrets masked. */
    private Map<String, Object> endpoint() {
        KernelConfig c = ctx.config();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("url", SecretMasker.maskUrl(ctx.endpoint().get()));
        e.put("auth", c.auth());
        if (c.username() != null) {
            e.put("username", c.username());
        }
        if (c.password() != null) {
            e.put("password", SecretMasker.MASK);
        }
        if (c.signsWithSigV4()) {
            SigV4Signer.Options o = SigV4Signer.Options.forLivy(c.livyUrl(), c.aws().region(), c.aws().profile(),
                    c.aws().signingService());
            e.put("aws_sigv4", "every request signed for service " + o.service() + " in "
                    + (o.region() != null ? "region " + o.region() : "the region of AWS_REGION or the profile") + ", with the credentials of "
                    + (o.profile() != null ? "profile " + o.profile() : "the default chain (AWS_ACCESS_KEY_ID…, "
                    + "AWS_PROFILE, ~/.aws/credentials, instance role)"));
        }
        if (c.usesKerberos()) {
            kerberos(c, e);
        }
        if (!c.customHeaders().isEmpty()) {
            e.put("custom_headers", SecretMasker.mask(c.customHeaders()));
        }
        if (c.certificateChecksOff()) {
            e.put("ignore_ssl_errors", "true: the certificate and host name of this Livy are NOT checked; anyone on "
                    + "the network path can read and change what the kernel sends. Set a CA bundle instead where you can.");
        }
        if (c.caBundle() != null) {
            e.put("ca_bundle", c.caBundle());
        }
        if (c.clientCert() != null) {
            e.put("client_cert", c.clientCert());
        }
        if (c.clientKey() != null) {
            e.put("client_key", c.clientKey());
        }
        if (c.clientKeyPassword() != null) {
            e.put("client_key_password", SecretMasker.MASK);
        }
        if (c.sparkHistoryUrl() != null) {
            e.put("spark_history_server_url", c.sparkHistoryUrl());
        }
        e.put("session_auto_recreate", c.sessionAutoRecreate());
        e.put("session_startup_timeout_seconds", c.sessionStartupTimeout().toSeconds());
        e.put("livy_server_heartbeat_timeout_seconds", c.heartbeatTimeoutSeconds());
        e.put("session_idle_keepalive", c.sessionIdleKeepalive().isZero() ? "off: Livy's idle timeout "
                + "(livy.server.session.timeout) applies once a cell ends"
                : "on for " + human(c.sessionIdleKeepalive()) + " after the last cell, then Livy's idle timeout applies");
        return e;
    }
}
