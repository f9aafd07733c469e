package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

import java.util.List;

/** {@code %%send_to_spark}: refused with the reason; every variable already lives in the Spark session. */
final class SendToSparkMagic implements Magic {

    private final MagicContext ctx;

    SendToSparkMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "send_to_spark";
    }

    @Override
    public String summary() {
        return "Not supported: there are no local variables to send; every variable already lives in the session.";
    }

    @Override
    public String example() {
        return "%%send_to_spark -i df -t df -n df";
    }

    @Override
    public List<Flag> flags() {
        // sparkmagic's flags are accepted so the refusal, not a flag error, is what the user reads.
        String no = "sparkmagic's flag; not supported here";
        return List.of(Flag.value("-i", "--input", "VAR", no), Flag.value("-t", "--type", "str|df", no),
                Flag.value("-n", "--varname", "NAME", no), Flag.value("-m", "--maxrows", "N", no));
    }

    @Override
    public Body body() {
        return Body.OPTIONAL;
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        throw NoLocalNamespace.refuse("%%send_to_spark", "Create the value in a normal cell instead; it is then "
                + "available to every later cell.");
    }
}
