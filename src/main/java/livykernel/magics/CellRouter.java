package livykernel.magics;

import livykernel.display.Errors;
import livykernel.kernel.Cell;
import livykernel.kernel.CellExecutor;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Decides what runs a cell: a cell starting with one of our magics goes to that magic, any
 * other cell (Livy's own {@code %json}/{@code %table}/{@code %matplot} lines included) goes to
 * the Livy session as code. Usage mistakes become short errors, never stack traces.
 */
public final class CellRouter implements CellExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(CellRouter.class);

    private final CellExecutor livy;
    private final MagicRegistry registry;

    public CellRouter(CellExecutor livy, MagicRegistry registry) {
        this.livy = livy;
        this.registry = registry;
    }

    public MagicRegistry registry() {
        return registry;
    }

    @Override
    public CellResult execute(Cell cell, CellOutput out) throws InterruptedException {
        MagicLine line = MagicLine.parse(cell.code());
        if (line == null || (!line.cellMagic() && MagicRegistry.LIVY_LINE_MAGICS.contains(line.name()))) {
            return livy.execute(cell, out);
        }
        Magic magic = registry.find(line.name()).orElse(null);
        if (magic == null) {
            return unknown(line);
        }
        try {
            MagicArgs args = MagicArgs.parse(magic, line.args());
            if (magic.body() == Magic.Body.NONE && !line.body().isBlank()) {
                throw new MagicUsageException("%%" + magic.name() + " takes no cell body; put it alone in its cell "
                        + "(found: '" + abbreviate(line.body().strip()) + "').");
            }
            if (magic.body() == Magic.Body.REQUIRED && line.body().isBlank()) {
                throw new MagicUsageException("%%" + magic.name() + " needs a cell body on the lines after it, e.g.\n"
                        + magic.example());
            }
            return magic.run(new MagicCall(magic.name(), args, line.body(), cell), out);
        } catch (MagicUsageException e) {
            return Errors.usage(e.ename(), e.getMessage());
        } catch (LivyException e) {
            LOG.debug("%%{} failed: {}", magic.name(), e.getMessage());
            return Errors.livy("%%" + magic.name() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("%%{} failed", magic.name(), e);
            return Errors.internal(e);
        }
    }

    private CellResult unknown(MagicLine line) {
        List<String> close = registry.closeMatches(line.name(), !line.cellMagic());
        String prefix = line.cellMagic() ? "%%" : "%";
        StringBuilder msg = new StringBuilder(line.spelled().isEmpty() || line.name().isEmpty()
                ? "A magic name is missing after '" + prefix + "'."
                : line.spelled() + " is not a magic of this kernel.");
        if (!close.isEmpty()) {
            msg.append(" Did you mean ").append(close.stream()
                    .map(n -> (MagicRegistry.LIVY_LINE_MAGICS.contains(n) ? "%" : "%%") + n)
                    .collect(Collectors.joining(", "))).append("?");
        }
        msg.append(" Run %%help to list the magics.");
        return Errors.usage("UnknownMagic", msg.toString());
    }

    private static String abbreviate(String s) {
        String first = s.lines().findFirst().orElse("");
        return first.length() > 60 ? first.substring(0, 60) + "…" : first;
    }

    /** Whatever escaped a cell is presented like every other error: by the one factory. */
    @Override
    public CellResult failed(Throwable e) {
        return e instanceof InterruptedException ? Errors.interrupted("The cell stopped waiting.") : Errors.internal(e);
    }

    @Override
    public void shutdown(boolean restart) {
        livy.shutdown(restart);
    }
}
