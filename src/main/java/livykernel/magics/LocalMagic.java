package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;


/** {@code %%local}: refused with the reason (sparkmagic ran it in the kernel's own IPython). */
final class LocalMagic implements Magic {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String summary() {
        return "Not supported: there is no local Python here; run the code in the Spark session instead.";
    }

    @Override
    public String example() {
        return "%%local";
    }

    @Override
    public Body body() {
        return Body.OPTIONAL;
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        throw NoLocalNamespace.refuse("%%local", "Remove the %%local line to run the code in the Spark session "
                + "(pandas and matplotlib work there too; use %matplot plt to show a figure), or use an IPython "
                + "kernel for purely local work.");
    }
}
