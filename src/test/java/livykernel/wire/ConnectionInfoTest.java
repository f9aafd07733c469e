package livykernel.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionInfoTest {

    @Test
    void parsesTheConnectionFileIgnoringUnknownFields() throws Exception {
        ConnectionInfo info = ConnectionInfo.parse("{\"transport\":\"tcp\",\"ip\":\"127.0.0.1\",\"shell_port\":57503,"
                + "\"iopub_port\":40885,\"stdin_port\":52597,\"control_port\":50160,\"hb_port\":42540,"
                + "\"signature_scheme\":\"hmac-sha256\",\"key\":\"a0436f6c-1916-498b-8eb9-e81ab9368e84\","
                + "\"kernel_name\":\"pyspark-livy\",\"something_new\":{\"x\":1}}");
        assertEquals(57503, info.shellPort());
        assertEquals(40885, info.iopubPort());
        assertEquals(52597, info.stdinPort());
        assertEquals(50160, info.controlPort());
        assertEquals(42540, info.hbPort());
        assertEquals("a0436f6c-1916-498b-8eb9-e81ab9368e84", info.key());
        assertEquals("pyspark-livy", info.kernelName());
        assertEquals("tcp://127.0.0.1:57503", info.endpoint(info.shellPort()));
        assertFalse(info.toString().contains("a0436f6c"));
    }

    @Test
    void defaultsMissingFields() throws Exception {
        ConnectionInfo info = ConnectionInfo.parse("{\"shell_port\":1}");
        assertEquals("tcp", info.transport());
        assertEquals("127.0.0.1", info.ip());
        assertEquals("hmac-sha256", info.signatureScheme());
        assertEquals("", info.key());
    }

    @Test
    void ipcEndpointsFollowJupyterClient() throws Exception {
        ConnectionInfo info = ConnectionInfo.parse("{\"transport\":\"ipc\",\"ip\":\"/tmp/k\",\"shell_port\":3}");
        assertEquals("ipc:///tmp/k-3", info.endpoint(3));
    }

    @Test
    void aBrokenConnectionFileIsAnIoErrorThatSaysWhat() {
        IOException notObject = assertThrows(IOException.class, () -> ConnectionInfo.parse("[1, 2]"));
        assertTrue(notObject.getMessage().contains("not a JSON object"), notObject.getMessage());
        IOException badPort = assertThrows(IOException.class, () -> ConnectionInfo.parse("{\"shell_port\":\"abc\"}"));
        assertTrue(badPort.getMessage().contains("shell_port"), badPort.getMessage());
        assertThrows(IOException.class, () -> ConnectionInfo.parse("{\"shell_port\": 1"));
    }

    @Test
    void readsWhateverJsonAClientWritesAroundTheFields() throws Exception {
        // Pretty-printed as jupyter_client writes it, escapes in strings, members of every JSON type.
        ConnectionInfo info = ConnectionInfo.parse("{\n  \"shell_port\": \"57503\",\n  \"key\": \"a\\\"b\\\\c\\u00e9\\n\",\r\n"
                + "  \"ip\": null, \"n\": -1.5e3, \"t\": true, \"f\": false, \"list\": [1, [2, {\"x\": []}], \"]\"],"
                + "  \"o\": {\"a\": {\"b\": \"}\"}}, \"iopub_port\": 9 }  \n");
        assertEquals(57503, info.shellPort());
        assertEquals(9, info.iopubPort());
        assertEquals("a\"b\\c\u00e9\n", info.key());
        assertEquals("127.0.0.1", info.ip());
    }

    @Test
    void malformedJsonIsAnIoErrorNotACrash() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "{\"a\": }", "{\"a\": 1,}", "{\"a\": \"x}", "{\"a\": 1} x",
                "{\"a\": [1 2]}", "{\"a\": nul}", "{\"a\": \"\\q\"}", "{\"a\": \"\\u12\"}", "{a: 1}", "{\"shell_port\": 1.5}"}) {
            IOException e = assertThrows(IOException.class, () -> ConnectionInfo.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("the connection file is not") || e.getMessage().contains("shell_port"),
                    bad + ": " + e.getMessage());
        }
    }
}
