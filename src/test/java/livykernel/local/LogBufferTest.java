package livykernel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogBufferTest {
    private static LogBuffer withLines(int capacity, int n) {
        LogBuffer b = new LogBuffer(capacity);
        for (int i = 0; i < n; i++) {
            b.add("l" + i);
        }
        return b;
    }

    @Test
    void missingFromMeansTheLastSizeLines() {
        LogBuffer.Page p = withLines(10, 5).page(null, 2);
        assertEquals(new LogBuffer.Page(3, 5, List.of("l3", "l4")), p);
    }

    @Test
    void fromAndSizePage() {
        LogBuffer b = withLines(10, 5);
        assertEquals(List.of("l1", "l2"), b.page(1, 2).lines());
        assertEquals(List.of("l4"), b.page(4, 100).lines());
        assertEquals(List.of(), b.page(9, 3).lines());
        assertEquals(5, b.page(9, 3).from());
    }

    @Test
    void negativeSizeMeansAll() {
        assertEquals(5, withLines(10, 5).page(null, -1).lines().size());
        assertEquals(List.of("l3", "l4"), withLines(10, 5).page(3, -1).lines());
    }

    @Test
    void oldLinesRollOffAndOffsetsShiftLikeLivy() {
        LogBuffer b = withLines(3, 5);
        assertEquals(3, b.size());
        assertEquals(List.of("l2", "l3", "l4"), b.page(0, 100).lines());
        assertEquals(List.of("l3", "l4"), b.tail(2));
    }
}
