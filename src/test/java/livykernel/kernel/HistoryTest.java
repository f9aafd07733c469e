package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.wire.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {

    private final History history = new History();

    @BeforeEach
    void fill() {
        history.addInput(1, "x = 1");
        history.addInput(2, "print(x)");
        history.addInput(3, "x + 1");
        history.setOutput(3, "2");
        history.addInput(4, "print(x)");
        history.addInput(5, "y = [x]");
    }

    private static List<Integer> lines(List<History.Entry> entries) {
        return entries.stream().map(History.Entry::line).toList();
    }

    @Test
    void tailReturnsTheLastEntriesOldestFirst() {
        assertEquals(List.of(4, 5), lines(history.tail(2)));
        assertEquals(List.of(1, 2, 3, 4, 5), lines(history.tail(50)));
        assertEquals(List.of(), lines(history.tail(0)));
    }

    @Test
    void rangeIsHalfOpenAndKnowsOnlyThisSession() {
        assertEquals(List.of(2, 3), lines(history.range(History.SESSION, 2, 4)));
        assertEquals(List.of(3), lines(history.range(0, 3, 4)));
        assertEquals(List.of(4, 5), lines(history.range(History.SESSION, 4, 0)));
        assertEquals(List.of(), lines(history.range(7, 1, 10)));
    }

    @Test
    void searchUsesGlobsUniqueAndN() {
        assertEquals(List.of(2, 4), lines(history.search("print*", 0, false)));
        assertEquals(List.of(4), lines(history.search("print*", 0, true)));
        assertEquals(List.of(4), lines(history.search("print*", 1, false)));
        assertEquals(List.of(1, 3), lines(history.search("x ? 1", 0, false)));
        assertEquals(List.of(5), lines(history.search("y = [[]x]", 0, false)));
        assertEquals(List.of(1, 3), lines(history.search("x [=+] 1", 0, false)));
        assertEquals(List.of(2, 4, 5), lines(history.search("[^x]*", 0, false)));
        assertEquals(List.of(), lines(history.search("PRINT*", 0, false)));
        assertEquals(5, history.search("*", 0, false).size());
    }

    @Test
    void queryBuildsTriplesOrInputOutputPairs() {
        JsonNode tail = history.query(Json.object().put("hist_access_type", "tail").put("n", 3));
        assertEquals(3, tail.size());
        assertEquals(History.SESSION, tail.get(0).get(0).asInt());
        assertEquals(3, tail.get(0).get(1).asInt());
        assertEquals("x + 1", tail.get(0).get(2).asText());

        JsonNode withOutput = history.query(Json.object().put("hist_access_type", "tail").put("n", 3)
                .put("output", true));
        assertEquals("x + 1", withOutput.get(0).get(2).get(0).asText());
        assertEquals("2", withOutput.get(0).get(2).get(1).asText());
        assertTrue(withOutput.get(1).get(2).get(1).isNull());

        JsonNode range = history.query(Json.object().put("hist_access_type", "range")
                .put("session", History.SESSION).put("start", 2).put("stop", 3));
        assertEquals(1, range.size());
        assertEquals(2, range.get(0).get(1).asInt());

        JsonNode search = history.query(Json.object().put("hist_access_type", "search")
                .put("pattern", "print*").put("unique", true));
        assertEquals(1, search.size());
        assertEquals(0, history.query(Json.object().put("hist_access_type", "bogus")).size());
    }
}
