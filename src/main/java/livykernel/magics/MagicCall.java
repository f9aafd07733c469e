package livykernel.magics;

import livykernel.kernel.Cell;

import java.util.function.BooleanSupplier;

/**
 * One invocation of a magic: its parsed first line, the rest of the cell, the cell itself, and
 * whether the user interrupted (for magics that wait, such as %%configure -f).
 */
public record MagicCall(String name, MagicArgs args, String body, Cell cell, BooleanSupplier cancelled) {
}
