package livykernel.magics;

import livykernel.display.Errors;
import livykernel.execution.SessionCells;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;

import java.util.List;

/**
 * {@code %%replay}: re-runs, in the current session, the cells that ran successfully in the
 * session that was lost, in order, and stops at the first error. Their outputs are not shown
 * again: the point is the namespace, and the user saw them the first time.
 */
final class ReplayMagic implements Magic {

    private static final int LABEL_CHARS = 70;

    private final MagicContext ctx;

    ReplayMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String summary() {
        return "After a lost session: re-run the cells that ran successfully in it, in order, in the new session "
                + "(stops at the first error).";
    }

    @Override
    public String example() {
        return "%%replay -n";
    }

    @Override
    public List<Flag> flags() {
        return List.of(Flag.toggle("-n", "--dry-run", "only list the cells it would run"));
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) throws InterruptedException {
        SessionCells cells = ctx.runner().cells();
        SessionCells.Lost lost = cells.lastLost().orElse(null);
        if (lost == null || lost.cells().isEmpty()) {
            out.stream("stdout", "There is nothing to replay: no session of this kernel was lost after running cells "
                    + "(or its cells were replayed already).\n");
            return CellResult.success();
        }
        boolean dryRun = call.args().has("dry-run");
        List<SessionCells.Ran> todo = lost.cells();
        StringBuilder list = new StringBuilder((dryRun ? "%%replay would run " : "Replaying ") + count(todo.size())
                + " that ran in the lost session " + lost.sessionId() + ":\n");
        for (int i = 0; i < todo.size(); i++) {
            list.append(String.format("%3d. %s%n", i + 1, label(todo.get(i).label())));
        }
        out.stream("stdout", list.toString());
        if (dryRun) {
            return CellResult.success();
        }
        for (int i = 0; i < todo.size(); i++) {
            SessionCells.Ran cell = todo.get(i);
            CellResult r = ctx.runner().run(cell.code(), cell.kind(), cell.label(), out, ReplayMagic::quiet);
            if (!r.ok()) {
                out.stream("stderr", "%%replay stopped at cell " + (i + 1) + " of " + todo.size()
                        + (i + 1 < todo.size() ? "; the cells after it were not run" : "") + ".\n");
                return r;
            }
        }
        cells.replayed(lost);
        out.stream("stdout", "Replayed " + count(todo.size()) + " in session "
                + (ctx.sessions().current() == null ? "?" : String.valueOf(ctx.sessions().current().id())) + ".\n");
        return CellResult.success();
    }

    /** A replayed cell's output only counts for whether it failed. */
    private static CellResult quiet(StatementOutput output) {
        if (output != null && output.isError()) {
            return Errors.sparkMessage(output);
        }
        return CellResult.success();
    }

    private static String count(int n) {
        return n == 1 ? "1 cell" : n + " cells";
    }

    /** The first non-blank line, shortened, with a mark when the cell had more lines. */
    static String label(String code) {
        List<String> lines = code.strip().lines().toList();
        String first = lines.isEmpty() ? "" : lines.get(0).strip();
        boolean more = lines.size() > 1;
        if (first.length() > LABEL_CHARS) {
            return first.substring(0, LABEL_CHARS) + "…";
        }
        return more ? first + " …" : first;
    }
}
