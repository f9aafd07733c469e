package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

import java.util.List;

/**
 * One magic of this kernel ({@code %%info}, {@code %%sql} …). The registry reads the name,
 * flags and summary to parse calls, suggest names, complete flags and write {@code %%help}.
 */
public interface Magic {

    /** Whether the lines after the magic's first line mean something to it. */
    enum Body { NONE, OPTIONAL, REQUIRED }

    /** The name without percent signs, e.g. "configure". */
    String name();

    /** One line for %%help. */
    String summary();

    /** A short usage example for %%help, e.g. "%%logs -n 200 --grep ERROR". */
    String example();

    default List<Flag> flags() {
        return List.of();
    }

    default Body body() {
        return Body.NONE;
    }

    /** How many positional arguments the first line may carry (most magics take none). */
    default int maxPositionals() {
        return 0;
    }

    /** The words its positional argument may be, for completion (empty: anything). */
    default List<String> choices() {
        return List.of();
    }

    /** Runs the magic; usage problems are thrown as {@link MagicUsageException}. */
    CellResult run(MagicCall call, CellOutput out) throws InterruptedException;
}
