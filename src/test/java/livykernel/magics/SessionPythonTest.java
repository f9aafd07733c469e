package livykernel.magics;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.display.ResultTable;
import livykernel.livy.StatementOutput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionPythonTest {

    @Test
    void userTextTravelsEncodedSoQuotesCannotBreakTheCode() {
        String sql = "SELECT '\"\"\"' AS q, 'a\\\\b' AS s";
        String code = SessionPython.sql(sql, 10, false, 0.1);
        assertFalse(code.contains(sql));
        assertTrue(code.contains(Base64.getEncoder().encodeToString(sql.getBytes(StandardCharsets.UTF_8))));
        assertTrue(code.contains("del _livy_kernel_sql"));
    }

    @Test
    void resultIsSplitFromWhatTheCodePrinted() {
        SessionPython.Printed p = SessionPython.parse("hello\n\n" + SessionPython.MARKER + "{\"kind\":\"none\"}\nwarning");
        assertEquals("hello\n", p.before());
        assertEquals("none", p.result().path("kind").asText());
        assertEquals("warning", p.after());
        assertNull(SessionPython.parse("no marker"));
    }

    @Test
    void sqlResultRendersThreeWaysAndStatesTheCap() throws Exception {
        JsonNode result = SessionPython.JSON.readTree("""
                {"kind":"table","schema":{"type":"struct","fields":[
                  {"name":"id","type":"long","nullable":false,"metadata":{}},
                  {"name":"s","type":{"type":"array","elementType":"string"},"nullable":true,"metadata":{}}]},
                 "rows":[[1,["a","b"]],[2,null]],"truncated":true}""");
        StatementOutput out = new StatementOutput("ok", 1, SessionPython.JSON.valueToTree(
                Map.of("text/plain", SessionPython.MARKER + result)), null, null, null);
        Fixtures.Recorder rec = new Fixtures.Recorder();
        assertTrue(SqlMagic.render(out, new SqlMagic.Options(false, 2, false, 0.1, null), rec).ok());
        Map<String, Object> bundle = rec.results.get(0);
        assertTrue(((String) bundle.get("text/html")).contains("<th>id</th>"));
        assertTrue(((String) bundle.get("text/plain")).contains("capped by -n 2"));
        @SuppressWarnings("unchecked")
        Map<String, Object> dr = (Map<String, Object>) bundle.get(ResultTable.DATARESOURCE);
        assertEquals(List.of(Map.of("name", "id", "type", "integer"), Map.of("name", "s", "type", "array")),
                ((Map<?, ?>) dr.get("schema")).get("fields"));
        assertEquals(2, ((List<?>) dr.get("data")).size());
    }

    @Test
    void sparkErrorsAreTheirMessage() {
        StatementOutput err = new StatementOutput("error", 3, null, "AnalysisException",
                "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. SQLSTATE: 42P01; line 1 pos 14;\n'Project [*]\n+- 'UnresolvedRelation [nope]",
                List.of("Traceback (most recent call last):\n", "  File \"<stdin>\", line 30\n"));
        Fixtures.Recorder rec = new Fixtures.Recorder();
        var r = SqlMagic.render(err, new SqlMagic.Options(false, 10, false, 0.1, null), rec);
        assertFalse(r.ok());
        assertEquals("AnalysisException", r.ename());
        assertFalse(r.evalue().contains("Project"), r.evalue());
        assertEquals(List.of("AnalysisException: " + r.evalue()), r.traceback());
    }
}
