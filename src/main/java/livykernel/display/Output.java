package livykernel.display;

import livykernel.kernel.CellOutput;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One thing a cell shows, as data: the kernel publishes it through a {@link CellOutput}. */
public sealed interface Output {

    /** Publishes this output for the cell. */
    void publishTo(CellOutput out);

    /** Text on stdout or stderr. */
    record Stream(String name, String text) implements Output {
        @Override
        public void publishTo(CellOutput out) {
            out.stream(name, text);
        }
    }

    /** A display_data mime bundle and its metadata (an image's size, for one). */
    record Display(Map<String, Object> data, Map<String, Object> metadata) implements Output {
        public Display {
            data = Collections.unmodifiableMap(new LinkedHashMap<>(data)); // keeps the bundle's order
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        public Display(Map<String, Object> data) {
            this(data, Map.of());
        }

        @Override
        public void publishTo(CellOutput out) {
            out.display(data, metadata, null);
        }
    }

    /** The cell's execute_result mime bundle. */
    record Result(Map<String, Object> data) implements Output {
        public Result {
            data = Collections.unmodifiableMap(new LinkedHashMap<>(data)); // keeps the bundle's order
        }

        @Override
        public void publishTo(CellOutput out) {
            out.executeResult(data, Map.of());
        }
    }
}
