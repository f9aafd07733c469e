package livykernel.wire.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import livykernel.wire.Json;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each content as the exact JSON text front ends have been sent (field names, values and order),
 * and its msg_type.
 */
class MessageContentTest {

    private static void assertJson(String expected, String msgType, MessageContent content) {
        try {
            assertEquals(expected, Json.mapper().writeValueAsString(content.toJson()));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
        assertEquals(msgType, content.msgType());
    }

    @Test
    void executeReplies() {
        assertJson("{\"status\":\"ok\",\"execution_count\":3,\"payload\":[],\"user_expressions\":{}}",
                "execute_reply", new ExecuteReply.Ok(3));
        assertJson("{\"status\":\"error\",\"ename\":\"ValueError\",\"evalue\":\"bad\",\"traceback\":[\"t1\",\"t2\"],"
                        + "\"execution_count\":2,\"payload\":[],\"user_expressions\":{}}",
                "execute_reply", new ExecuteReply.Error(2, "ValueError", "bad", List.of("t1", "t2")));
        assertJson("{\"status\":\"error\",\"ename\":\"E\",\"evalue\":\"\",\"traceback\":[],"
                        + "\"execution_count\":0,\"payload\":[],\"user_expressions\":{}}",
                "execute_reply", new ExecuteReply.Error(0, "E", "", null));
        assertJson("{\"status\":\"aborted\"}", "execute_reply", new ExecuteReply.Aborted());
    }

    @Test
    void kernelInfoReply() {
        KernelInfoReply reply = new KernelInfoReply("5.3", "livy-kernel", "1.2.3",
                new KernelInfoReply.LanguageInfo("python", "3", "text/x-python", ".py", "ipython3", "ipython", 3,
                        "python"),
                "banner text", List.of(new KernelInfoReply.HelpLink("A", "https://a/"),
                        new KernelInfoReply.HelpLink("B", "https://b/")), false);
        assertJson("{\"status\":\"ok\",\"protocol_version\":\"5.3\",\"implementation\":\"livy-kernel\","
                + "\"implementation_version\":\"1.2.3\",\"language_info\":{\"name\":\"python\",\"version\":\"3\","
                + "\"mimetype\":\"text/x-python\",\"file_extension\":\".py\",\"pygments_lexer\":\"ipython3\","
                + "\"codemirror_mode\":{\"name\":\"ipython\",\"version\":3},\"nbconvert_exporter\":\"python\"},"
                + "\"banner\":\"banner text\",\"help_links\":[{\"text\":\"A\",\"url\":\"https://a/\"},"
                + "{\"text\":\"B\",\"url\":\"https://b/\"}],\"debugger\":false,\"supported_features\":[]}",
                "kernel_info_reply", reply);
    }

    @Test
    void smallReplies() {
        assertJson("{\"status\":\"incomplete\",\"indent\":\"    \"}", "is_complete_reply",
                new IsCompleteReply("incomplete", "    "));
        assertJson("{\"status\":\"complete\"}", "is_complete_reply", new IsCompleteReply("complete", null));
        assertJson("{\"status\":\"ok\",\"matches\":[\"abc\",\"abd\"],\"cursor_start\":1,\"cursor_end\":2,\"metadata\":{}}",
                "complete_reply", new CompleteReply(List.of("abc", "abd"), 1, 2));
        assertJson("{\"status\":\"ok\",\"found\":true,\"data\":{\"text/plain\":\"doc\"},\"metadata\":{}}",
                "inspect_reply", new InspectReply(true, Map.of("text/plain", "doc")));
        assertJson("{\"status\":\"ok\",\"found\":false,\"data\":{},\"metadata\":{}}",
                "inspect_reply", new InspectReply(false, null));
        var history = Json.mapper().createArrayNode();
        history.addArray().add(0).add(1).add("x = 1");
        assertJson("{\"status\":\"ok\",\"history\":[[0,1,\"x = 1\"]]}", "history_reply", new HistoryReply(history));
        Map<String, String> comms = new LinkedHashMap<>();
        comms.put("c1", "jupyter.widget");
        comms.put("c2", "SparkMonitor");
        assertJson("{\"status\":\"ok\",\"comms\":{\"c1\":{\"target_name\":\"jupyter.widget\"},"
                + "\"c2\":{\"target_name\":\"SparkMonitor\"}}}", "comm_info_reply", new CommInfoReply(comms));
        assertJson("{\"status\":\"ok\",\"comms\":{}}", "comm_info_reply", new CommInfoReply(Map.of()));
        assertJson("{\"status\":\"ok\",\"restart\":true}", "shutdown_reply", new ShutdownReply(true));
        assertJson("{\"status\":\"ok\"}", "interrupt_reply", new InterruptReply());
    }

    @Test
    void status() {
        assertJson("{\"execution_state\":\"busy\"}", "status", Status.BUSY);
        assertJson("{\"execution_state\":\"idle\"}", "status", Status.IDLE);
        assertJson("{\"execution_state\":\"starting\"}", "status", Status.STARTING);
    }

    @Test
    void cellOutputs() {
        assertJson("{\"code\":\"1 + 1\",\"execution_count\":4}", "execute_input", new ExecuteInput("1 + 1", 4));
        assertJson("{\"name\":\"stderr\",\"text\":\"warn\\n\"}", "stream", new Stream("stderr", "warn\n"));
        MimeBundle bundle = new MimeBundle(Map.of("text/plain", "42"), Map.of("isolated", true));
        assertJson("{\"data\":{\"text/plain\":\"42\"},\"metadata\":{\"isolated\":true},"
                + "\"transient\":{\"display_id\":\"d-1\"}}", "display_data", new DisplayData(bundle, "d-1", false));
        assertJson("{\"data\":{\"text/plain\":\"42\"},\"metadata\":{\"isolated\":true},"
                + "\"transient\":{\"display_id\":\"d-1\"}}", "update_display_data", new DisplayData(bundle, "d-1", true));
        assertJson("{\"data\":{},\"metadata\":{}}", "display_data", new DisplayData(new MimeBundle(null, null), "", false));
        assertJson("{\"data\":{\"text/plain\":\"42\"},\"metadata\":{\"isolated\":true},\"execution_count\":7}",
                "execute_result", new ExecuteResult(7, bundle));
        assertJson("{\"ename\":\"KeyboardInterrupt\",\"evalue\":\"\",\"traceback\":[\"KeyboardInterrupt\"]}", "error",
                new ErrorOutput("KeyboardInterrupt", "", List.of("KeyboardInterrupt")));
        assertJson("{\"wait\":true}", "clear_output", new ClearOutput(true));
    }

    @Test
    void commMessages() {
        assertJson("{\"comm_id\":\"c1\",\"data\":{\"state\":1},\"target_name\":\"jupyter.widget\"}", "comm_open",
                new CommMessage.Open("c1", "jupyter.widget", Json.object().put("state", 1)));
        assertJson("{\"comm_id\":\"c1\",\"data\":{\"method\":\"update\"}}", "comm_msg",
                new CommMessage.Msg("c1", Json.object().put("method", "update")));
        assertJson("{\"comm_id\":\"c1\",\"data\":{}}", "comm_close", new CommMessage.Close("c1", null));
    }
}
