package livykernel.magics;

import livykernel.config.KernelConfig;
import livykernel.execution.LivyCellExecutor;
import livykernel.execution.StatementRunner;
import livykernel.localpy.LocalPython;
import livykernel.progress.ProgressSettings;
import livykernel.session.SessionManager;

import java.util.function.Supplier;

/**
 * What the magics work with: the session, the statement runner and the plain-cell executor on
 * it, the effective configuration, a description of the endpoint in use (never starts it), the
 * shared progress settings and the kernel's local Python (started by its first use).
 */
public record MagicContext(SessionManager sessions, StatementRunner runner, LivyCellExecutor livy, KernelConfig config,
                           Supplier<String> endpoint, ProgressSettings progress, LocalPython local) {

    /** Without a local Python of its own: one from the configuration, started only if a magic needs it. */
    public MagicContext(SessionManager sessions, StatementRunner runner, LivyCellExecutor livy, KernelConfig config,
                        Supplier<String> endpoint, ProgressSettings progress) {
        this(sessions, runner, livy, config, endpoint, progress, LocalPythons.of(config));
    }
}
