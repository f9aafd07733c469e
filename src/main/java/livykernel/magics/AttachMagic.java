package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyException;
import livykernel.session.SessionManager;

import java.util.List;

/**
 * {@code %%attach ID}: runs the following cells in an existing Livy session (a colleague's, or one
 * an earlier kernel left), which the kernel then never deletes.
 */
final class AttachMagic implements Magic {

    private final MagicContext ctx;

    AttachMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "attach";
    }

    @Override
    public String summary() {
        return "Run the next cells in an existing session (by id, see %%info); it is never deleted by this kernel. "
                + "%%detach returns to a session of the kernel's own.";
    }

    @Override
    public String example() {
        return "%%attach 7";
    }

    @Override
    public int maxPositionals() {
        return 1;
    }

    @Override
    public List<Flag> flags() {
        return List.of(Flag.toggle("-f", "--force",
                "delete this kernel's own session, with its variables, to attach (needed once code ran in it)"));
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        List<String> ids = call.args().positionals();
        int id = ids.isEmpty() ? -1 : parse(ids.get(0));
        if (id < 0) {
            throw new MagicUsageException("%%attach needs the id of a Livy session: %%attach ID (%%info lists the "
                    + "sessions on the endpoint).");
        }
        SessionManager.Attachment done;
        try {
            done = ctx.sessions().attach(id, call.args().has("force"));
        } catch (IllegalStateException e) {
            throw new MagicUsageException("%%attach: " + e.getMessage() + ".");
        } catch (LivyException e) {
            if (e.isNotFound()) {
                throw new MagicUsageException("%%attach: there is no session " + id + " on the endpoint (%%info lists "
                        + "them).");
            }
            throw e;
        }
        StringBuilder sb = new StringBuilder();
        if (done.deletedOwn() != null) {
            sb.append("Deleted this kernel's own session ").append(done.deletedOwn()).append(". ");
        }
        sb.append("Attached to Livy session ").append(id);
        if (done.session().owner() != null) {
            sb.append(" (owner ").append(done.session().owner()).append(')');
        }
        sb.append(", state ").append(done.session().state()).append(": the next cells run in it, its variables are ")
                .append("shared with whoever else uses it, and this kernel never deletes it (not at shutdown or ")
                .append("restart either). %%detach returns to a session of the kernel's own.\n");
        out.stream("stdout", sb.toString());
        return CellResult.success();
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
