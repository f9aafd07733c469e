package livykernel.magics;

import livykernel.display.HelpTable;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code %%help}: a table of every magic with its flags, generated from the registry so it never drifts. */
final class HelpMagic implements Magic {

    private final MagicRegistry registry;

    HelpMagic(MagicRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "help";
    }

    @Override
    public String summary() {
        return "This table.";
    }

    @Override
    public String example() {
        return "%%help";
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        out.display(bundle(), Map.of(), null);
        return CellResult.success();
    }

    Map<String, Object> bundle() {
        List<HelpTable.Magic> magics = new ArrayList<>();
        for (Magic m : registry.all()) {
            magics.add(new HelpTable.Magic(m.name(), m.flags().stream().map(f -> new HelpTable.Flag(f.usage(), f.help()))
                    .toList(), m.summary(), m.example()));
        }
        return HelpTable.bundle(magics, LIVY_MAGICS);
    }

    private static final List<HelpTable.LivyMagic> LIVY_MAGICS = List.of(
            new HelpTable.LivyMagic("%json VAR", "Show a Python value as JSON (with a text fallback).", "%json counts"),
            new HelpTable.LivyMagic("%table VAR", "Show a list of rows (Row, dict, tuple) as a table.", "%table rows"),
            new HelpTable.LivyMagic("%matplot plt", "Show the current matplotlib figure as a PNG.", "%matplot plt"));
}
