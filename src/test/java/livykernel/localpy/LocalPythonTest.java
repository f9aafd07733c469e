package livykernel.localpy;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.kernel.RequestContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalPythonTest {

    /** Records what a cell would have shown. */
    static final class Recorded implements CellOutput {
        final List<String> events = new ArrayList<>();
        final RequestContext context = RequestContext.detached();

        @Override
        public RequestContext context() {
            return context;
        }

        @Override
        public void stream(String name, String text) {
            events.add(name + ":" + text);
        }

        @Override
        public void display(Map<String, Object> data, Map<String, Object> metadata, String displayId) {
            events.add("display:" + data.keySet() + ":" + displayId);
        }

        @Override
        public void updateDisplay(Map<String, Object> data, Map<String, Object> metadata, String displayId) {
            events.add("update:" + data.keySet() + ":" + displayId);
        }

        @Override
        public void executeResult(Map<String, Object> data, Map<String, Object> metadata) {
            events.add("result:" + data.get("text/plain"));
        }

        @Override
        public void clearOutput(boolean wait) {
            events.add("clear:" + wait);
        }
    }

    @Test
    void aMissingInterpreterIsOneSentenceNamingItAndTheSetting() {
        LocalPython local = new LocalPython("/no/such/python3", "local_kernel_python");
        CellResult r = local.run("1 + 1", new Recorded());
        assertFalse(r.ok());
        assertEquals("LocalPythonError", r.ename());
        assertTrue(r.evalue().contains("/no/such/python3"), r.evalue());
        assertTrue(r.evalue().contains("local_kernel_python"), r.evalue());
        assertFalse(local.running());
    }

    @Test
    void anInterpreterWithoutIpykernelSaysSoAndNamesTheSetting() {
        // /bin/false exits at once, as a Python without ipykernel does.
        LocalPython local = new LocalPython("/bin/false", "local_kernel_python");
        CellResult r = local.run("1 + 1", new Recorded());
        assertFalse(r.ok());
        assertTrue(r.evalue().contains("exited at start"), r.evalue());
        assertTrue(r.evalue().contains("local_kernel_python"), r.evalue());
    }
}
