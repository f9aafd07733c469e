package livykernel.display;

import com.fasterxml.jackson.databind.ObjectMapper;
import livykernel.livy.StatementOutput;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The display() transport on statement outputs exactly as Apache Livy returns them: the
 * recorded JSON files were written by session_display.py under a Livy-like capture (stdout
 * into text/plain, trailing whitespace stripped), so the decoder does not depend on our endpoint.
 */
class BundleDecoderTest {

    private final ObjectMapper json = new ObjectMapper();
    private final OutputMapper mapper = new OutputMapper();

    private StatementOutput recorded(String name) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            return StatementOutput.from(json.readTree(in));
        }
    }

    private static String frame(String bundleJson) {
        return SessionDisplay.START + Base64.getEncoder().encodeToString(bundleJson.getBytes(StandardCharsets.UTF_8))
                + SessionDisplay.END;
    }

    private static StatementOutput livy(String text) {
        return new StatementOutput("ok", 3, new ObjectMapper().createObjectNode().put("text/plain", text),
                null, null, List.of());
    }

    private static String describe(Output o) {
        if (o instanceof Output.Stream s) {
            return s.name() + ":" + s.text();
        }
        return "display:" + ((Output.Display) o).data().keySet();
    }

    @Test
    void recordedLivyOutputKeepsPrintsAndDisplaysInOrder() throws Exception {
        List<Output> out = mapper.map(recorded("livy-two-displays.json")).outputs();
        assertEquals(List.of("stdout:before\n", "display:[text/html, text/plain]", "stdout:between\n",
                "display:[text/html, text/plain]", "stdout:after\n"), out.stream().map(BundleDecoderTest::describe).toList());
        assertEquals("<b>card</b>", ((Output.Display) out.get(1)).data().get("text/html"));
        assertEquals("Card()", ((Output.Display) out.get(1)).data().get("text/plain"));
        assertEquals("<i>x</i> & y", ((Output.Display) out.get(3)).data().get("text/html"));
    }

    @Test
    void recordedSparkDataFrameBecomesATableWithSchemaAndCapNote() throws Exception {
        List<Output> out = mapper.map(recorded("livy-table-display.json")).outputs();
        assertEquals("stdout:rows:\n", describe(out.get(0)));
        assertEquals(2, out.size(), out.toString());
        assertInstanceOf(Output.Display.class, out.get(1), out.toString());
        Map<String, Object> bundle = ((Output.Display) out.get(1)).data();
        assertFalse(bundle.containsKey(BundleDecoder.TABLE), "the session's compact form is expanded");
        String html = (String) bundle.get("text/html");
        assertTrue(html.contains("<td>2</td>") && !html.contains("<td>3</td>"), html);
        assertTrue(html.contains("Showing the first 3 rows") && html.contains("id: bigint"), html);
        assertTrue(((String) bundle.get("text/plain")).contains("Showing the first 3 rows"));
        @SuppressWarnings("unchecked")
        Map<String, Object> resource = (Map<String, Object>) bundle.get(ResultTable.DATARESOURCE);
        assertEquals(3, ((List<?>) resource.get("data")).size());
        assertEquals(Map.of("id", 1, "x", 1.5, "s", "1"), ((List<?>) resource.get("data")).get(1));
    }

    @Test
    void plainOutputWithoutFramesIsUnchanged() {
        List<Output> out = mapper.map(livy("out\n100")).outputs();
        assertEquals(List.of(new Output.Stream("stdout", "out\n100\n")), out);
    }

    @Test
    void aMalformedFrameIsANoteAndTheRestStays() {
        String text = "a\n" + SessionDisplay.START + "!!not base64!!" + SessionDisplay.END + "\nb\n"
                + frame("{\"data\": {\"text/plain\": \"ok\"}, \"metadata\": {}}") + "\nc";
        List<String> out = mapper.map(livy(text)).outputs().stream().map(BundleDecoderTest::describe).toList();
        assertEquals(List.of("stdout:a\n", "stderr:A display() output from the session could not be decoded, so it is "
                + "left out.\n", "stdout:b\n", "display:[text/plain]", "stdout:c\n"), out);
        out.forEach(o -> assertFalse(o.contains("\u001e") || o.contains("base64"), o));
    }

    @Test
    void aFrameCutShortNeverShowsItsBytes() {
        String text = "a\n" + SessionDisplay.START + "eyJkYXRh\nb";
        List<String> out = mapper.map(livy(text)).outputs().stream().map(BundleDecoderTest::describe).toList();
        assertEquals(List.of("stdout:a\n", "stderr:A display() output from the session was cut short, so it is left out.\n",
                "stdout:b\n"), out);
    }

    @Test
    void anOversizedFrameIsDroppedWithItsSizeAndTheCap() {
        String big = "{\"data\": {\"text/plain\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}}";
        List<Output> out = new BundleDecoder(1024 * 1024).decode("before\n" + frame(big) + "\nafter");
        assertEquals(3, out.size());
        assertEquals(new Output.Stream("stderr", "A display() output of 3.0 MB was dropped: it is over the 1.0 MB "
                + "limit for one output (the display_max_bytes setting).\n"), out.get(1));
        assertEquals(new Output.Stream("stdout", "after\n"), out.get(2));
    }

    @Test
    void aBundleTheSessionDroppedSaysHowBigItWas() {
        List<Output> out = new BundleDecoder(1024 * 1024).decode(frame("{\"dropped\": 2621440, \"cap\": 1048576}"));
        assertEquals(List.of(new Output.Stream("stderr", "A display() output of 2.5 MB was dropped: it is over the 1.0 MB "
                + "limit for one output (the display_max_bytes setting).\n")), out);
    }

    @Test
    void framesBackToBackAndMetadataArrive() {
        String text = frame("{\"data\": {\"image/png\": \"iVBO\", \"text/plain\": \"<Figure>\"}, "
                + "\"metadata\": {\"image/png\": {\"width\": 10}}}") + "\n" + frame("{\"data\": {\"text/markdown\": \"# h\"}}");
        List<Output> out = mapper.map(livy(text)).outputs();
        assertEquals(List.of("display:[image/png, text/plain]", "display:[text/markdown]"),
                out.stream().map(BundleDecoderTest::describe).toList());
        assertEquals(Map.of("image/png", Map.of("width", 10)), ((Output.Display) out.get(0)).metadata());
    }

    @Test
    void aResultFrameIsTheCellsResult() {
        List<Output> out = mapper.map(livy("p\n" + frame("{\"data\": {\"text/html\": \"<b>r</b>\", \"text/plain\": \"R\"}, "
                + "\"metadata\": {}, \"result\": true}"))).outputs();
        assertEquals(List.of(new Output.Stream("stdout", "p\n"), new Output.Result(Map.of("text/html", "<b>r</b>",
                "text/plain", "R"))), out);
    }

    @Test
    void textPrintedWithoutANewlineBeforeADisplayStaysItsOwnStream() {
        List<Output> out = mapper.map(livy("a" + frame("{\"data\": {\"text/plain\": \"x\"}}"))).outputs();
        assertEquals(List.of("stdout:a", "display:[text/plain]"), out.stream().map(BundleDecoderTest::describe).toList());
    }
}
