package livykernel.local;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last N lines a session's driver wrote, for {@code GET /sessions/{id}/log}. Like Livy's
 * rolling buffers, offsets index the retained lines, so they shift once old lines drop out.
 */
public final class LogBuffer {
    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    public LogBuffer(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    public synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    public synchronized int size() {
        return lines.size();
    }

    /** One page, as Livy computes it. */
    public record Page(int from, int total, List<String> lines) {
    }

    /**
     * Livy's paging: a missing {@code from} means "the last {@code size} lines", a negative size
     * means all lines from {@code from}.
     */
    public synchronized Page page(Integer from, int size) {
        List<String> all = new ArrayList<>(lines);
        int total = all.size();
        int start;
        if (from == null) {
            start = size < 0 ? 0 : Math.max(0, total - size);
        } else {
            start = Math.min(Math.max(0, from), total);
        }
        int end = size < 0 ? total : (int) Math.min((long) start + size, total);
        return new Page(start, total, List.copyOf(all.subList(start, end)));
    }

    /** The last {@code n} lines (the {@code log} field of a session). */
    public synchronized List<String> tail(int n) {
        return page(null, n).lines();
    }
}
