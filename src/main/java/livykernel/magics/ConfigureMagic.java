package livykernel.magics;

import livykernel.display.Bundles;
import livykernel.display.Errors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import livykernel.config.ConfigLoader;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.Session;
import livykernel.session.SessionStartException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code %%configure [-f]} + a JSON body of Livy session settings. The body merges into the
 * configured session settings (nested "conf" key by key, unlike sparkmagic which replaced them).
 * Before the session starts it only sets them; a pre-started session no code ran in yet is
 * replaced when they differ; once code ran, {@code -f} recreates the session.
 * Invalid JSON or an unknown Livy field is an error and changes nothing.
 */
final class ConfigureMagic implements Magic {

    /** Fields of Livy's POST /sessions body (CreateInteractiveRequest) this kernel lets users set. */
    static final Set<String> LIVY_FIELDS = Set.of("kind", "proxyUser", "jars", "pyFiles", "files", "driverMemory",
            "driverCores", "executorMemory", "executorCores", "numExecutors", "archives", "queue", "name", "conf",
            "heartbeatTimeoutInSecond", "ttl");
    private static final Set<String> LISTS = Set.of("jars", "pyFiles", "files", "archives");
    private static final Set<String> INTS = Set.of("driverCores", "executorCores", "numExecutors", "heartbeatTimeoutInSecond");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final String SET_BEFORE_START =
            "Session configuration set; the first cell that runs code starts the Spark session with it:";

    private final MagicContext ctx;

    ConfigureMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "configure";
    }

    @Override
    public String summary() {
        return "Merge Livy session settings (JSON body, nested conf merged key by key) into the session configuration; "
                + "once the session runs, -f recreates it with them.";
    }

    @Override
    public String example() {
        return "%%configure -f\n{\"executorMemory\": \"4g\", \"conf\": {\"spark.sql.shuffle.partitions\": \"64\"}}";
    }

    @Override
    public List<Flag> flags() {
        return List.of(Flag.toggle("-f", "--force", "delete the running session and start a new one with the settings"));
    }

    @Override
    public Body body() {
        return Body.REQUIRED;
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) throws InterruptedException {
        Map<String, Object> update = parse(call.body());
        Map<String, Object> merged = merge(ctx.sessions().sessionConfigs(), update);
        switch (ctx.sessions().configureBeforeUse(merged)) {
            case SET -> {
                show(out, SET_BEFORE_START);
                return CellResult.success();
            }
            case UNCHANGED -> {
                show(out, "The pre-started Spark session already has this configuration, so it was kept:");
                return CellResult.success();
            }
            case REPLACED -> {
                show(out, "The pre-started Spark session had other settings, so it was deleted and a new one is "
                        + "starting with this configuration:");
                return CellResult.success();
            }
            case IN_USE -> {
                // Code ran in the session: only -f may throw its state away.
            }
        }
        Session running = ctx.sessions().current();
        if (running == null) {
            // Found gone meanwhile: the settings wait for the next session.
            ctx.sessions().setSessionConfigs(merged);
            show(out, SET_BEFORE_START);
            return CellResult.success();
        }
        if (!call.args().has("force")) {
            throw new MagicUsageException("%%configure: Spark session " + running.id() + " is already running, and Livy "
                    + "cannot change the settings of a running session. Add -f (%%configure -f) to delete it and start "
                    + "a new one with these settings; its variables and cached data are lost. Nothing was changed.");
        }
        ctx.sessions().setSessionConfigs(merged);
        out.stream("stdout", ctx.sessions().isAttached()
                ? "Leaving the attached session " + running.id() + " as it is (it is not deleted) to start a session "
                + "of this kernel's own with the new configuration…\n"
                : "Deleting Spark session " + running.id() + " to apply the new configuration…\n");
        ctx.sessions().delete();
        try {
            Session fresh = ctx.runner().startSession(out);
            show(out, "Spark session " + fresh.id() + " started with this configuration:");
            return CellResult.success();
        } catch (SessionStartException e) {
            return Errors.sessionStart(e.getMessage()
                    + "\nThe new configuration stays set: correct it with %%configure, or run a cell to retry.");
        } catch (InterruptedException e) {
            return Errors.usage(Errors.KEYBOARD_INTERRUPT, "Interrupted while the new Spark session was starting; "
                    + "it keeps starting in the background with the new configuration.");
        }
    }

    private void show(CellOutput out, String title) {
        String json = Bundles.json(SecretMasker.mask(ctx.sessions().creationBody()));
        out.display(Bundles.titled(title, json), Map.of(), null);
    }

    /** Parses and checks a %%configure body; every problem is a usage error pointing at it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            String where = line > 0 ? " at line " + line + ", column " + column + " of the JSON (line " + (line + 1)
                    + " of the cell)" : "";
            String sourceLine = line > 0 ? body.lines().skip(line - 1).findFirst().orElse("") : "";
            String pointer = sourceLine.isEmpty() ? "" : "\n    " + sourceLine + "\n    "
                    + " ".repeat(Math.max(0, Math.min(column - 1, sourceLine.length()))) + "^";
            throw new MagicUsageException("JSONDecodeError", "%%configure: the body is not valid JSON" + where + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + pointer
                    + "\nNothing was changed.");
        }
        if (node == null || !node.isObject()) {
            throw new MagicUsageException("%%configure: the body must be a JSON object such as "
                    + "{\"driverMemory\": \"2g\"}. Nothing was changed.");
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            check(e.getKey(), e.getValue(), problems);
        }
        if (!problems.isEmpty()) {
            throw new MagicUsageException("%%configure: " + String.join(" ", problems) + " Nothing was changed.");
        }
        return JSON.convertValue(node, LinkedHashMap.class);
    }

    private static void check(String key, JsonNode value, List<String> problems) {
        if (!LIVY_FIELDS.contains(key)) {
            List<String> close = CloseMatches.of(key, List.copyOf(new java.util.TreeSet<>(LIVY_FIELDS)), 2);
            problems.add("'" + key + "' is not a Livy session field" + (close.isEmpty() ? "" : " (did you mean "
                    + String.join(" or ", close.stream().map(c -> "'" + c + "'").toList()) + "?)")
                    + "; Livy rejects unknown fields. Valid: " + String.join(", ", new java.util.TreeSet<>(LIVY_FIELDS))
                    + ". Spark properties go inside \"conf\".");
        } else if (key.equals("conf")) {
            if (!value.isObject()) {
                problems.add("\"conf\" must be an object of Spark properties, e.g. {\"spark.executor.memory\": \"4g\"}.");
            } else {
                value.fields().forEachRemaining(c -> {
                    if (!c.getValue().isValueNode() || c.getValue().isNull()) {
                        problems.add("conf \"" + c.getKey() + "\" must be a string, number or boolean.");
                    }
                });
            }
        } else if (LISTS.contains(key)) {
            boolean ok = value.isArray();
            for (JsonNode v : value) {
                ok &= v.isTextual();
            }
            if (!ok) {
                problems.add("\"" + key + "\" must be a list of strings (paths or URLs).");
            }
        } else if (INTS.contains(key)) {
            if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                problems.add("\"" + key + "\" must be a whole number.");
            }
        } else if (key.equals("kind")) {
            if (!value.isTextual() || !(value.asText().equals("pyspark") || value.asText().equals("python"))) {
                problems.add("\"kind\": this kernel runs PySpark sessions only; leave \"kind\" out.");
            }
        } else if (!value.isTextual()) {
            problems.add("\"" + key + "\" must be a string.");
        } else if (key.equals("name") && value.asText().matches("\\d+")) {
            problems.add("\"name\" must not be all digits (Livy takes it for a session id).");
        }
    }

    /** The update merged over the current settings; "kind" is the kernel's business and is dropped. */
    static Map<String, Object> merge(Map<String, Object> current, Map<String, Object> update) {
        Map<String, Object> u = new LinkedHashMap<>(update);
        u.remove("kind");
        return ConfigLoader.deepMerge(current, u);
    }
}
