package livykernel.magics;

import livykernel.config.KernelConfig;
import livykernel.display.OutputMapper;
import livykernel.execution.LivyCellExecutor;
import livykernel.execution.StatementListener;
import livykernel.execution.StatementRunner;
import livykernel.kernel.CellOutput;
import livykernel.livy.PollingPolicy;
import livykernel.progress.ProgressMode;
import livykernel.progress.ProgressSettings;
import livykernel.session.SessionManager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/** A registry wired to a session manager that must never reach Livy, and a recording output. */
public final class Fixtures {

    private Fixtures() {
    }

    static KernelConfig config(Map<String, Object> sessionConfigs) {
        return KernelConfig.builder()
                .livyUrl("http://livy.example:8998")
                .auth("Basic_Access")
                .username("alice")
                .password("hunter2-secret")
                .sessionConfigs(sessionConfigs)
                .customHeaders(Map.of("X-Api-Token", "tok-123"))
                .heartbeatTimeoutSeconds(60)
                .sessionStartupTimeout(Duration.ofSeconds(60))
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(5))
                .build();
    }

    public static SessionManager sessions(Map<String, Object> sessionConfigs) {
        return new SessionManager(() -> {
            throw new IllegalStateException("no Livy in this test");
        }, Executors.newSingleThreadScheduledExecutor(), sessionConfigs, 60, Duration.ofSeconds(5));
    }

    public static MagicContext context(SessionManager sessions, ProgressSettings progress) {
        StatementRunner runner = new StatementRunner(sessions, () -> {
            throw new IllegalStateException("no Livy in this test");
        }, Executors.newSingleThreadScheduledExecutor(), PollingPolicy.DEFAULT, List.of(), StatementListener.NONE);
        LivyCellExecutor livy = new LivyCellExecutor(runner, new OutputMapper());
        return new MagicContext(sessions, runner, livy, config(sessions.sessionConfigs()), () -> "http://livy.example:8998", progress);
    }

    public static MagicRegistry registry() {
        return MagicRegistry.standard(context(sessions(Map.of()), new ProgressSettings(ProgressMode.ON)));
    }

    /** Records what a magic published. */
    public static final class Recorder implements CellOutput {
        private final livykernel.kernel.RequestContext context = livykernel.kernel.RequestContext.detached();

        @Override
        public livykernel.kernel.RequestContext context() {
            return context;
        }

        final List<String> stdout = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Map<String, Object>> displays = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Map<String, Object>> results = new ArrayList<>();

        @Override
        public void stream(String name, String text) {
            stdout.add(name + ":" + text);
        }

        @Override
        public void display(Map<String, Object> data, Map<String, Object> metadata, String displayId) {
            displays.add(data);
        }

        @Override
        public void updateDisplay(Map<String, Object> data, Map<String, Object> metadata, String displayId) {
            displays.add(data);
        }

        @Override
        public void executeResult(Map<String, Object> data, Map<String, Object> metadata) {
            results.add(data);
        }

        @Override
        public void clearOutput(boolean wait) {
        }
    }
}
