package livykernel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void parsesLivyTimeStrings() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofSeconds(7), Durations.parse("7"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10min"));
        assertEquals(Duration.ofHours(1), Durations.parse(" 1H "));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    }

    @Test
    void rejectsGarbageWithLivysMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("bogus"));
        assertEquals("Invalid time string: bogus", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("5 parsecs"));
    }

    @Test
    void formatsForBanners() {
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
    }
}
