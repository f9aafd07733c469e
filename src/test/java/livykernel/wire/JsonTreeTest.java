package livykernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The wire's mapper-free JSON against what an ObjectMapper reads and writes. */
class JsonTreeTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final List<String> MESSAGES = List.of(
            "{}",
            "{\"msg_id\":\"a\",\"date\":\"2026-12-03T08:00:00.000000Z\",\"version\":\"5.3\"}",
            "{\"code\":\"print(\\\"h\\u00e9llo \\u2713 \\\\n\\\")\\n\\ttab\",\"silent\":false,\"store_history\":true,"
                    + "\"user_expressions\":{},\"allow_stdin\":true,\"stop_on_error\":true}",
            "{\"n\":[0,-1,2147483647,2147483648,-9223372036854775808,92233720368547758070,1.5,-2.5e-7,1E300,0.1],"
                    + "\"nested\":{\"a\":[{\"b\":[[],{}]},null,true,false]}}",
            "{\"dup\":1,\"dup\":\"last wins\"}",
            "{\"emoji\":\"\\ud83d\\ude00 \ud83d\ude00\",\"control\":\"\\u0000\\u001f\\\"\\\\/\"}",
            "{\"a\":1} trailing");

    @Test
    void readsTheTreesAnObjectMapperReads() throws IOException {
        for (String json : MESSAGES) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            JsonNode expected = MAPPER.readTree(bytes);
            JsonNode read = JsonTree.readObject(bytes);
            assertEquals(expected, read, json);
            // Equal trees, and equal node types (IntNode, LongNode, BigIntegerNode, DoubleNode).
            assertEquals(MAPPER.writeValueAsString(expected), MAPPER.writeValueAsString(read), json);
        }
    }

    @Test
    void writesTheBytesAnObjectMapperWrites() throws IOException {
        for (String json : MESSAGES) {
            JsonNode tree = MAPPER.readTree(json);
            assertArrayEquals(MAPPER.writeValueAsBytes(tree), JsonTree.write(tree), json);
        }
        JsonNode built = Json.object().put("f", 1.25f).put("d", new java.math.BigDecimal("1.000"))
                .put("s", (short) 3).putNull("none");
        assertArrayEquals(MAPPER.writeValueAsBytes(built), JsonTree.write(built));
    }

    @Test
    void onlyObjectsAreMessagePartsAndBrokenJsonIsAnError() throws IOException {
        assertNull(JsonTree.readObject("[1]".getBytes(StandardCharsets.UTF_8)));
        assertNull(JsonTree.readObject("\"x\"".getBytes(StandardCharsets.UTF_8)));
        assertNull(JsonTree.readObject(new byte[0]));
        for (String broken : List.of("{\"a\":", "{\"a\":[1,2", "{\"a\" 1}", "{\"a\":tru}", "{\"a\":1,}")) {
            assertThrows(IOException.class, () -> JsonTree.readObject(broken.getBytes(StandardCharsets.UTF_8)), broken);
        }
    }
}
