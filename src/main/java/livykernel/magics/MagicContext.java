package livykernel.magics;

import livykernel.config.KernelConfig;
import livykernel.progress.ProgressSettings;
import livykernel.session.LivyCellExecutor;
import livykernel.session.SessionManager;

import java.util.function.Supplier;

/**
 * What the magics work with: the session, the statement runner, the effective configuration,
 * a description of the endpoint in use (never starts it) and the shared progress settings.
 */
public record MagicContext(SessionManager sessions, LivyCellExecutor livy, KernelConfig config,
                           Supplier<String> endpoint, ProgressSettings progress) {
}
