package livykernel.magics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every magic of the kernel, by name, in the order %%help lists them. The single source for
 * routing, close-match suggestions, completion of names and flags, and the help table.
 */
public final class MagicRegistry {

    /** Livy's own magics, which only work as lines inside Python code; the session runs them. */
    public static final List<String> LIVY_LINE_MAGICS = List.of("json", "table", "matplot");

    private final Map<String, Magic> magics = new LinkedHashMap<>();

    public MagicRegistry(List<Magic> magics) {
        magics.forEach(this::add);
    }

    /** The kernel's magics working on {@code ctx}. */
    public static MagicRegistry standard(MagicContext ctx) {
        MagicRegistry r = new MagicRegistry(List.of(
                new InfoMagic(ctx), new LogsMagic(ctx), new ConfigureMagic(ctx), new SqlMagic(ctx),
                new PrettyMagic(ctx), new SparkMagic(ctx), new ProgressMagic(ctx.progress()),
                new CleanupMagic(ctx), new DeleteMagic(ctx), new ReplayMagic(ctx), new AttachMagic(ctx),
                new DetachMagic(ctx)));
        r.add(new HelpMagic(r));
        r.add(new LocalMagic(ctx));
        r.add(new SendToSparkMagic(ctx));
        return r;
    }

    public void add(Magic magic) {
        if (magics.putIfAbsent(magic.name(), magic) != null) {
            throw new IllegalArgumentException("magic %%" + magic.name() + " registered twice");
        }
    }

    public Optional<Magic> find(String name) {
        return Optional.ofNullable(magics.get(name));
    }

    public List<Magic> all() {
        return Collections.unmodifiableList(new ArrayList<>(magics.values()));
    }

    public List<String> names() {
        return List.copyOf(magics.keySet());
    }

    /** Known names close to a mistyped one; for line magics Livy's %json/%table/%matplot count too. */
    public List<String> closeMatches(String typed, boolean lineMagic) {
        List<String> known = new ArrayList<>(magics.keySet());
        if (lineMagic) {
            known.addAll(LIVY_LINE_MAGICS);
        }
        return CloseMatches.of(typed, known, 3);
    }
}
