package livykernel.logs;

import livykernel.livy.LivyClient;
import livykernel.livy.SessionLog;

import java.util.function.Supplier;

/** The log Livy keeps of a live session: {@code GET /sessions/{id}/log}, gone with the session. */
public final class LivyLogSource implements LogSource {

    private final Supplier<LivyClient> client;

    public LivyLogSource(Supplier<LivyClient> client) {
        this.client = client;
    }

    @Override
    public SessionLog page(int sessionId, Integer from, int size) {
        return client.get().getLog(sessionId, from, size);
    }
}
