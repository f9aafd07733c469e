package livykernel.localpy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.kernel.CellResult;
import livykernel.wire.Header;
import livykernel.wire.Json;
import livykernel.wire.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IopubRelayTest {

    private static Message iopub(String type, String parentId, String contentJson) throws Exception {
        ObjectNode parent = Json.object();
        parent.put("msg_id", parentId);
        return new Message(List.of(), Header.create(type, "s", "u"), parent, null,
                Json.mapper().readTree(contentJson), null);
    }

    @Test
    void relaysTheRequestsOutputsInOrderAndKeepsTheErrorAsResult() throws Exception {
        LocalPythonTest.Recorded out = new LocalPythonTest.Recorded();
        IopubRelay relay = new IopubRelay("req", out, true);
        relay.accept(iopub("status", "req", "{\"execution_state\":\"busy\"}"));
        relay.accept(iopub("stream", "req", "{\"name\":\"stdout\",\"text\":\"hi\\n\"}"));
        relay.accept(iopub("stream", "other", "{\"name\":\"stdout\",\"text\":\"not ours\"}"));
        relay.accept(iopub("display_data", "req",
                "{\"data\":{\"image/png\":\"AAA\",\"text/plain\":\"<Figure>\"},\"metadata\":{},\"transient\":{\"display_id\":\"d1\"}}"));
        relay.accept(iopub("update_display_data", "req", "{\"data\":{\"text/plain\":\"x\"},\"metadata\":{},\"transient\":{\"display_id\":\"d1\"}}"));
        relay.accept(iopub("clear_output", "req", "{\"wait\":true}"));
        relay.accept(iopub("execute_result", "req", "{\"data\":{\"text/plain\":\"42\"},\"metadata\":{},\"execution_count\":3}"));
        relay.accept(iopub("error", "req", "{\"ename\":\"ZeroDivisionError\",\"evalue\":\"division by zero\",\"traceback\":[\"a\",\"b\"]}"));
        assertFalse(relay.idle());
        relay.accept(iopub("status", "other", "{\"execution_state\":\"idle\"}"));
        assertFalse(relay.idle());
        relay.accept(iopub("status", "req", "{\"execution_state\":\"idle\"}"));
        assertTrue(relay.idle());
        assertEquals(List.of("stdout:hi\n", "display:[image/png, text/plain]:d1", "update:[text/plain]:d1",
                "clear:true", "result:42"), out.events);
        CellResult r = relay.result();
        assertEquals("ZeroDivisionError", r.ename());
        assertEquals(List.of("a", "b"), r.traceback());
    }

    @Test
    void quietlyCollectsStdoutAndShowsNothingButStderr() throws Exception {
        LocalPythonTest.Recorded out = new LocalPythonTest.Recorded();
        IopubRelay relay = new IopubRelay("req", out, false);
        relay.accept(iopub("stream", "req", "{\"name\":\"stdout\",\"text\":\"answer\"}"));
        relay.accept(iopub("stream", "req", "{\"name\":\"stderr\",\"text\":\"warning\"}"));
        relay.accept(iopub("execute_result", "req", "{\"data\":{\"text/plain\":\"42\"},\"metadata\":{}}"));
        assertEquals("answer", relay.stdout());
        assertEquals(List.of("stderr:warning"), out.events);
        assertTrue(relay.result().ok());
    }
}
