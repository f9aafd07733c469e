package livykernel.kernel;

import java.util.List;

/** Outcome of a cell: ok, or an error the kernel turns into an {@code error} output and reply. */
public record CellResult(boolean ok, String ename, String evalue, List<String> traceback) {

    public static CellResult success() {
        return new CellResult(true, null, null, List.of());
    }

    public static CellResult error(String ename, String evalue, List<String> traceback) {
        return new CellResult(false, ename, evalue, traceback == null ? List.of() : List.copyOf(traceback));
    }
}
