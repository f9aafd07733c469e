package livykernel.magics;

import livykernel.kernel.Cell;

/**
 * One invocation of a magic: its parsed first line, the rest of the cell and the cell itself
 * (an interrupt reaches a magic that waits through its output's request context).
 */
public record MagicCall(String name, MagicArgs args, String body, Cell cell) {
}
