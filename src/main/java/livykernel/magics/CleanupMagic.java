package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyException;
import livykernel.livy.Session;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code %%cleanup -f}: deletes this kernel's session and every other session on the endpoint
 * that Livy lets this user delete, and reports what happened to each.
 */
final class CleanupMagic implements Magic {

    private final MagicContext ctx;

    CleanupMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "cleanup";
    }

    @Override
    public String summary() {
        return "Delete every session on the endpoint that you may delete, this kernel's own included.";
    }

    @Override
    public String example() {
        return "%%cleanup -f";
    }

    @Override
    public List<Flag> flags() {
        return List.of(Flag.toggle("-f", "--force", "required: confirms that all those sessions and their data go away"));
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        if (!call.args().has("force")) {
            throw new MagicUsageException("%%cleanup deletes every Spark session on the endpoint that you may delete, "
                    + "this kernel's own included, with all their variables and cached data. Add -f if that is what "
                    + "you want: %%cleanup -f");
        }
        // An attached session is another's: it goes like any other listed one, by id.
        Session own = ctx.sessions().isAttached() ? null : ctx.sessions().current();
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        if (own != null) {
            ctx.sessions().delete();
            done.add(own.id() + " (this kernel's)");
        }
        for (Session s : ctx.sessions().list()) {
            if (own != null && s.id() == own.id()) {
                continue;
            }
            try {
                ctx.sessions().delete(s.id());
                done.add(String.valueOf(s.id()));
            } catch (LivyException e) {
                if (!e.isNotFound()) {
                    failed.add(s.id() + ": " + (e.status() == 403 ? "not allowed" : e.getMessage()));
                }
            }
        }
        StringBuilder sb = new StringBuilder(done.isEmpty() ? "There were no sessions to delete."
                : "Deleted session" + (done.size() == 1 ? " " : "s ") + String.join(", ", done) + ".");
        if (!failed.isEmpty()) {
            sb.append(" Could not delete ").append(String.join("; ", failed)).append('.');
        }
        if (own != null) {
            sb.append(" The next cell that runs code starts a new session for this kernel.");
        }
        out.stream("stdout", sb.append('\n').toString());
        return CellResult.success();
    }
}
