package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.Session;

/** {@code %%detach}: leaves the session {@code %%attach} bound the kernel to, untouched; the next cell starts an own one. */
final class DetachMagic implements Magic {

    private final MagicContext ctx;

    DetachMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "detach";
    }

    @Override
    public String summary() {
        return "Leave the session %%attach bound this kernel to (it keeps running); the next cell starts the "
                + "kernel's own session.";
    }

    @Override
    public String example() {
        return "%%detach";
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        Session left = ctx.sessions().detach();
        if (left == null) {
            throw new MagicUsageException("%%detach: this kernel is not attached to another session (%%attach ID "
                    + "attaches); its own session stays as it is.");
        }
        out.stream("stdout", "Detached from Livy session " + left.id() + ", which keeps running as it was. The next "
                + "cell starts a Spark session of this kernel's own.\n");
        return CellResult.success();
    }
}
