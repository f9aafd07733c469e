package livykernel;

import livykernel.config.KerberosSettings;
import livykernel.config.KernelConfig;
import livykernel.livy.LivyClient;
import livykernel.livy.SigV4Auth;
import livykernel.livy.SigV4Signer;
import livykernel.livy.TlsFiles;
import livykernel.livy.auth.KerberosOptions;
import livykernel.livy.auth.Negotiate;
import livykernel.local.LocalLivyOptions;
import livykernel.local.LocalLivyServer;
import livykernel.local.SpareSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The Livy the kernel talks to, made on first use: the configured URL, or the embedded
 * local endpoint started on demand (so a kernel that never runs a cell starts nothing).
 */
final class LivyEndpoint implements Supplier<LivyClient>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LivyEndpoint.class);

    private final KernelConfig config;
    private final Path spareHandoff;
    private LivyClient client;
    private LocalLivyServer localServer;
    private boolean closed;
    private boolean restarting;

    /**
     * @param spareHandoff where the embedded endpoint's warm spare is left for a restarted kernel
     *                     (jupyter_client restarts a kernel with the same connection file); null: never
     */
    LivyEndpoint(KernelConfig config, Path spareHandoff) {
        this.config = config;
        this.spareHandoff = spareHandoff;
    }

    /** The hand-off file of a kernel started with {@code connectionFile}: beside it, named after it. */
    static Path spareHandoffFor(Path connectionFile) {
        String name = connectionFile.getFileName().toString().replaceFirst("\\.json$", "");
        return connectionFile.toAbsolutePath().resolveSibling(name + ".livy-spare");
    }

    /** Set on a shutdown with restart: closing then leaves the warm spare for the next kernel. */
    synchronized void restarting() {
        restarting = true;
        if (localServer != null) {
            localServer.prepareRestart();
        }
    }

    @Override
    public synchronized LivyClient get() {
        if (client != null) {
            return client;
        }
        if (closed) {
            throw new IllegalStateException("the kernel is shutting down");
        }
        KernelConfig effective = config;
        if (config.usesLocalEndpoint()) {
            LocalLivyOptions.Builder options = LocalLivyOptions.fromEnvironment(System.getenv()).toBuilder();
            if (config.localPython() != null) {
                options.python(config.localPython());
            }
            LocalLivyOptions base = options.build();
            // Without the setting a spare a previous kernel left is still adopted to be ended at once.
            options.spare(config.localWarmSpare() && spareHandoff != null ? base.spare().on(spareHandoff)
                    : new SpareSettings(false, spareHandoff, base.spare().lease(), base.spare().quietBefore()));
            localServer = LocalLivyServer.start(options.build());
            LOG.info("embedded Livy endpoint listening on {}", localServer.url());
            effective = config.toBuilder().livyUrl(localServer.url()).auth("Basic_Access")
                    .username(localServer.username()).password(localServer.password()).build();
        }
        client = new LivyClient(new LivyClient.Settings(effective.livyUrl(), effective.username(), effective.password(),
                effective.customHeaders(), effective.connectTimeout(), effective.readTimeout(), null,
                effective.ignoreSslErrors(), tlsFiles(effective), authenticator(effective)));
        return client;
    }

    /** The request authenticator for the configured auth; the SDK and GSS classes load only in their branch. */
    private static okhttp3.Interceptor authenticator(KernelConfig c) {
        if (c.signsWithSigV4()) {
            return SigV4Auth.withSdk(SigV4Signer.Options.forLivy(c.livyUrl(), c.aws().region(), c.aws().profile(),
                    c.aws().signingService()));
        }
        if (!c.usesKerberos()) {
            return null;
        }
        KerberosSettings k = c.kerberos();
        return Negotiate.kerberos(new KerberosOptions(k.principal(), path(k.keytab()), k.service(), k.hostnameOverride(),
                KerberosOptions.Mutual.valueOf(k.mutual().name())));
    }

    private static TlsFiles tlsFiles(KernelConfig c) {
        return new TlsFiles(path(c.caBundle()), path(c.clientCert()), path(c.clientKey()), c.clientKeyPassword());
    }

    private static Path path(String s) {
        return s == null ? null : Path.of(s);
    }

    /** The URL in use, or a description when nothing was started yet. */
    synchronized String describe() {
        if (localServer != null) {
            return client.url() + " (embedded; " + localServer.spareState() + ")";
        }
        return client != null ? client.url() : config.usesLocalEndpoint() ? "embedded local endpoint (not started)" : config.livyUrl();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (localServer != null) {
            if (restarting) {
                localServer.closeForRestart();
            } else {
                localServer.close();
            }
            localServer = null;
        }
    }
}
