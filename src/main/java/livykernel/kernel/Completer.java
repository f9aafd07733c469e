package livykernel.kernel;

import java.util.List;
import java.util.Map;

/**
 * Optional code completion and inspection for complete_request / inspect_request. Cursor
 * positions here are Java (UTF-16) string indexes; the kernel converts from and to the
 * protocol's code points. The defaults answer "no matches" / "not found".
 */
public interface Completer {

    /** A completer that never finds anything. */
    Completer NONE = new Completer() {
    };

    /** Matches replacing {@code code[cursorStart, cursorEnd)}. */
    record Completion(List<String> matches, int cursorStart, int cursorEnd) {
        public Completion {
            matches = List.copyOf(matches);
        }
    }

    /** {@code data} is a mime bundle (include text/plain) shown to the user when found. */
    record Inspection(boolean found, Map<String, Object> data) {
        public Inspection {
            data = data == null ? Map.of() : data;
        }
    }

    default Completion complete(String code, int cursor) {
        return new Completion(List.of(), cursor, cursor);
    }

    default Inspection inspect(String code, int cursor, int detailLevel) {
        return new Inspection(false, Map.of());
    }
}
