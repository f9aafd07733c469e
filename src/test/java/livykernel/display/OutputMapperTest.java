package livykernel.display;

import com.fasterxml.jackson.databind.ObjectMapper;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OutputMapperTest {

    private final ObjectMapper json = new ObjectMapper();
    private final OutputMapper mapper = new OutputMapper();

    /** Records what the mapper published, in order. */
    static final class Recorder implements CellOutput {
        private final livykernel.kernel.RequestContext context = livykernel.kernel.RequestContext.detached();

        @Override
        public livykernel.kernel.RequestContext context() {
            return context;
        }

        final List<String> events = new ArrayList<>();
        final List<Map<String, Object>> bundles = new ArrayList<>();

        public void stream(String name, String text) { events.add("stream:" + name + ":" + text); }
        public void display(Map<String, Object> data, Map<String, Object> md, String id) { events.add("display"); bundles.add(data); }
        public void updateDisplay(Map<String, Object> data, Map<String, Object> md, String id) { events.add("update"); bundles.add(data); }
        public void executeResult(Map<String, Object> data, Map<String, Object> md) { events.add("result"); bundles.add(data); }
        public void clearOutput(boolean wait) { events.add("clear"); }
    }

    private StatementOutput output(String js) throws Exception {
        return StatementOutput.from(json.readTree(js));
    }

    @Test
    void textBecomesStdoutStream() throws Exception {
        Recorder r = new Recorder();
        CellResult res = mapper.map(output("{\"status\":\"ok\",\"execution_count\":1,\"data\":{\"text/plain\":\"out\\n100\"}}")).publishTo(r);
        assertTrue(res.ok());
        assertEquals(List.of("stream:stdout:out\n100\n"), r.events);
    }

    @Test
    void aLivyTableOverTheDisplayLimitIsCutWithACaption() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            rows.append(i == 0 ? "" : ",").append("[").append(i).append(",\"row ").append(i).append("\"]");
        }
        String table = "{\"headers\":[{\"name\":\"id\",\"type\":\"INT_TYPE\"},{\"name\":\"name\",\"type\":\"STRING_TYPE\"}],"
                + "\"data\":[" + rows + "]}";
        Recorder r = new Recorder();
        // 8 KB: a quarter of it in rows is about 150 of these.
        new OutputMapper(new BundleDecoder(8 * 1024)).map(output("{\"status\":\"ok\",\"data\":{\""
                + OutputMapper.LIVY_TABLE + "\":" + table + "}}")).publishTo(r);
        String text = (String) r.bundles.get(0).get("text/plain");
        assertTrue(text.endsWith("rows: the table would be over the 0.0 MB display_max_bytes limit."), text);
        assertTrue(text.contains("Showing the first ") && text.contains(" of 2000 rows"), text);
        List<?> kept = (List<?>) ((Map<?, ?>) r.bundles.get(0).get(OutputMapper.LIVY_TABLE)).get("data");
        assertTrue(kept.size() > 50 && kept.size() < 400, "rows kept: " + kept.size());
        assertTrue(((String) r.bundles.get(0).get("text/html")).contains("display_max_bytes"));
        // Within the limit: every row, no caption.
        Recorder all = new Recorder();
        mapper.map(output("{\"status\":\"ok\",\"data\":{\"" + OutputMapper.LIVY_TABLE + "\":" + table + "}}")).publishTo(all);
        assertFalse(((String) all.bundles.get(0).get("text/plain")).contains("display_max_bytes"));
    }

    @Test
    void emptyTextPublishesNothing() throws Exception {
        Recorder r = new Recorder();
        assertTrue(mapper.map(output("{\"status\":\"ok\",\"data\":{\"text/plain\":\"\"}}")).publishTo(r).ok());
        assertTrue(r.events.isEmpty());
    }

    @Test
    void pngBecomesDisplayWithTextFallback() throws Exception {
        Recorder r = new Recorder();
        mapper.map(output("{\"status\":\"ok\",\"data\":{\"image/png\":\"iVBO\\nRw0=\"}}")).publishTo(r);
        assertEquals(List.of("display"), r.events);
        assertEquals("iVBORw0=", r.bundles.get(0).get("image/png"));
        assertNotNull(r.bundles.get(0).get("text/plain"));
    }

    @Test
    void jsonBecomesResultWithPrettyText() throws Exception {
        Recorder r = new Recorder();
        mapper.map(output("{\"status\":\"ok\",\"data\":{\"application/json\":{\"a\":[1,2]}}}")).publishTo(r);
        assertEquals(List.of("result"), r.events);
        assertEquals(Map.of("a", List.of(1, 2)), r.bundles.get(0).get("application/json"));
        assertTrue(((String) r.bundles.get(0).get("text/plain")).contains("\"a\""));
    }

    @Test
    void livyTableBecomesHtmlAndTextTable() throws Exception {
        Recorder r = new Recorder();
        mapper.map(output("{\"status\":\"ok\",\"data\":{\"application/vnd.livy.table.v1+json\":"
                + "{\"headers\":[{\"name\":\"id\",\"type\":\"INT_TYPE\"},{\"name\":\"s\",\"type\":\"STRING_TYPE\"}],"
                + "\"data\":[[0,\"<a>\"],[1,null]]}}}")).publishTo(r);
        Map<String, Object> b = r.bundles.get(0);
        String html = (String) b.get("text/html");
        assertTrue(html.contains("<th>id</th>") && html.contains("&lt;a&gt;"), html);
        String text = (String) b.get("text/plain");
        assertTrue(text.contains("| id | s    |"), text);
        assertTrue(text.contains("| 1  | null |"), text);
        assertTrue(b.containsKey(OutputMapper.LIVY_TABLE));
    }

    @Test
    void errorMapsNameValueAndTraceback() throws Exception {
        Recorder r = new Recorder();
        CellResult res = mapper.map(output("{\"status\":\"error\",\"ename\":\"ZeroDivisionError\",\"evalue\":\"division by zero\","
                + "\"traceback\":[\"Traceback (most recent call last):\\n\",\"ZeroDivisionError: division by zero\\n\"]}")).publishTo(r);
        assertFalse(res.ok());
        assertEquals("ZeroDivisionError", res.ename());
        assertEquals("division by zero", res.evalue());
        assertEquals(List.of("Traceback (most recent call last):", "ZeroDivisionError: division by zero"), res.traceback());
        assertTrue(r.events.isEmpty());
    }

    @Test
    void errorWithoutTracebackGetsASummaryLine() throws Exception {
        CellResult res = mapper.map(output("{\"status\":\"error\",\"ename\":\"Error\",\"evalue\":\"Interpreter died\",\"traceback\":[]}")).publishTo(new Recorder());
        assertEquals(List.of("Error: Interpreter died"), res.traceback());
    }

    @Test
    void magicKeyErrorQuirkIsAnError() throws Exception {
        CellResult res = mapper.map(output("{\"status\":\"ok\",\"data\":{\"msg_type\":\"execute_reply\",\"content\":"
                + "{\"status\":\"error\",\"ename\":\"KeyError\",\"evalue\":\"'nosuch'\",\"traceback\":[\"KeyError: 'nosuch'\\n\"]}}}")).publishTo(new Recorder());
        assertFalse(res.ok());
        assertEquals("KeyError", res.ename());
    }
}
