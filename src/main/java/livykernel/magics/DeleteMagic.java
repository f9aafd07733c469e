package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyException;
import livykernel.livy.Session;

import java.util.List;

/** {@code %%delete -f -s ID}: deletes another session on the endpoint; this kernel's own is refused. */
final class DeleteMagic implements Magic {

    private final MagicContext ctx;

    DeleteMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "delete";
    }

    @Override
    public String summary() {
        return "Delete another session on the endpoint by id (see %%info); not this kernel's own.";
    }

    @Override
    public String example() {
        return "%%delete -f -s 12";
    }

    @Override
    public List<Flag> flags() {
        return List.of(Flag.value("-s", "--session", "ID", "the Livy session id to delete"),
                Flag.toggle("-f", "--force", "required: confirms that the session's variables and data are lost"));
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        if (!call.args().has("session")) {
            throw new MagicUsageException("%%delete needs the session id: %%delete -f -s ID (%%info lists the sessions).");
        }
        int id = call.args().intValue("delete", "session", -1);
        if (id < 0) {
            throw new MagicUsageException("%%delete: -s must be a session id (0 or more).");
        }
        Session own = ctx.sessions().current();
        if (own != null && own.id() == id && ctx.sessions().isAttached()) {
            throw new MagicUsageException("%%delete: this kernel is attached to session " + id + ". Run %%detach first "
                    + "if you really mean to delete a session others may use.");
        }
        if (own != null && own.id() == id) {
            throw new MagicUsageException("%%delete: session " + id + " is this kernel's own session. To replace it use "
                    + "%%configure -f {} (or restart the kernel); to delete it anyway, %%cleanup -f.");
        }
        if (!call.args().has("force")) {
            throw new MagicUsageException("%%delete: add -f to confirm that session " + id + " and all its variables "
                    + "and cached data are lost: %%delete -f -s " + id);
        }
        try {
            ctx.sessions().delete(id);
        } catch (LivyException e) {
            if (e.isNotFound()) {
                throw new MagicUsageException("%%delete: there is no session " + id + " on the endpoint (%%info lists them).");
            }
            if (e.status() == 403) {
                throw new MagicUsageException("%%delete: Livy does not allow you to delete session " + id + ".");
            }
            throw e;
        }
        out.stream("stdout", "Deleted session " + id + ".\n");
        return CellResult.success();
    }
}
