package livykernel.wire;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderTest {

    // jupyter_client's date pattern, restricted to the UTC form we promise.
    private static final Pattern JUPYTER_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");

    @Test
    void datesHaveSixFractionDigitsAndZ() {
        assertEquals("2026-01-01T00:00:00.000000Z", Header.formatDate(Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals("2026-03-04T05:06:07.123456Z",
                Header.formatDate(Instant.parse("2026-03-04T05:06:07.123456789Z")));
        assertTrue(JUPYTER_DATE.matcher(Header.create("status", "s", "kernel").date()).matches());
    }

    @Test
    void everyHeaderGetsANewMessageId() {
        Header a = Header.create("status", "s", "kernel");
        Header b = Header.create("status", "s", "kernel");
        assertNotEquals(a.msgId(), b.msgId());
        assertEquals("5.3", a.version());
        assertEquals("status", a.json().get("msg_type").asText());
        assertEquals(a.msgId(), a.json().get("msg_id").asText());
        assertEquals(a.date(), a.json().get("date").asText());
    }

    @Test
    void parsingNeedsAMessageType() {
        assertThrows(IllegalArgumentException.class, () -> Header.fromJson(Json.object().put("msg_id", "x")));
        assertEquals("", Header.fromJson(Json.object().put("msg_type", "x")).session());
    }
}
