package livykernel.magics;

import livykernel.livy.LivyClient;
import livykernel.livy.LivyException;
import livykernel.livy.Statement;
import livykernel.livy.StatementOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a short helper statement (completion, inspection) that the user never sees: no
 * progress, no outputs, and a hard deadline after which the caller gets nothing.
 */
final class HiddenStatement {

    private static final Logger LOG = LoggerFactory.getLogger(HiddenStatement.class);

    private HiddenStatement() {
    }

    /** The statement's output, or null when it failed or did not finish before {@code deadlineNanos}. */
    static StatementOutput run(LivyClient client, int sessionId, String code, long deadlineNanos) {
        Statement st;
        try {
            st = client.submitStatement(sessionId, code, null);
        } catch (LivyException e) {
            LOG.debug("hidden statement not accepted: {}", e.getMessage());
            return null;
        }
        long delay = 5;
        try {
            while (!st.isFinished()) {
                if (System.nanoTime() + delay * 1_000_000 > deadlineNanos) {
                    // Out of time: the session was slower than the user should wait. Let it go.
                    LOG.debug("hidden statement {} still {} at its deadline", st.id(), st.state());
                    return null;
                }
                Thread.sleep(delay);
                delay = Math.min(50, delay * 2);
                st = client.getStatement(sessionId, st.id());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (LivyException e) {
            LOG.debug("hidden statement {} lost: {}", st.id(), e.getMessage());
            return null;
        }
        return "available".equals(st.state()) ? st.output() : null;
    }
}
