package livykernel.magics;

import livykernel.config.KernelConfig;
import livykernel.execution.LivyCellExecutor;
import livykernel.execution.StatementRunner;
import livykernel.progress.ProgressSettings;
import livykernel.session.SessionManager;

import java.util.function.Supplier;

/**
 * What the magics work with: the session, the statement runner and the plain-cell executor on
 * it, the effective configuration, a description of the endpoint in use (never starts it) and
 * the shared progress settings.
 */
public record MagicContext(SessionManager sessions, StatementRunner runner, LivyCellExecutor livy, KernelConfig config,
                           Supplier<String> endpoint, ProgressSettings progress) {
}
