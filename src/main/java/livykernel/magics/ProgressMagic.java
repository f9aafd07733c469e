package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.progress.ProgressMode;
import livykernel.progress.ProgressSettings;

import java.util.Locale;

/** {@code %%progress on|off|text|widget}: switches how Spark job progress is shown for later cells. */
final class ProgressMagic implements Magic {

    private final ProgressSettings settings;

    ProgressMagic(ProgressSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "progress";
    }

    @Override
    public String summary() {
        return "Show Spark job progress as widget and text (on), text only, widget only, or not at all (off); "
                + "no argument shows the current mode.";
    }

    @Override
    public String example() {
        return "%%progress text";
    }

    @Override
    public int maxPositionals() {
        return 1;
    }

    @Override
    public java.util.List<String> choices() {
        return java.util.List.of("on", "off", "text", "widget");
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        if (call.args().positionals().isEmpty()) {
            out.stream("stdout", "Progress display: " + describe(settings.mode()) + "\n");
            return CellResult.success();
        }
        String wanted = call.args().positionals().get(0);
        ProgressMode mode = ProgressMode.parse(wanted);
        if (mode == null) {
            throw new MagicUsageException("%%progress takes one of on, off, text, widget (got '" + wanted + "').");
        }
        settings.setMode(mode);
        out.stream("stdout", "Progress display: " + describe(mode) + "\n");
        return CellResult.success();
    }

    private static String describe(ProgressMode mode) {
        if (mode == null) {
            return "default";
        }
        return mode.name().toLowerCase(Locale.ROOT) + switch (mode) {
            case ON -> " (widget where the front end shows one, text otherwise)";
            case TEXT -> " (text only)";
            case WIDGET -> " (widget only)";
            case OFF -> " (nothing shown, Spark is not polled)";
        };
    }
}
