package livykernel.display;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

import java.util.List;

/** What a finished statement shows, in order, and how the cell ends. */
public record Rendered(List<Output> outputs, CellResult result) {

    public Rendered {
        outputs = List.copyOf(outputs);
    }

    public static Rendered of(CellResult result) {
        return new Rendered(List.of(), result);
    }

    /** Publishes the outputs for the cell and returns its result. */
    public CellResult publishTo(CellOutput out) {
        outputs.forEach(o -> o.publishTo(out));
        return result;
    }
}
