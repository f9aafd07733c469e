package livykernel.magics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import livykernel.display.Errors;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;
import livykernel.localpy.LocalPython;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code -o VAR}: the rows of a DataFrame in the session become a pandas DataFrame in the local
 * Python. The session stashes them as JSON lines; hidden statements hand them out in chunks the
 * kernel appends to a file the local Python then loads with the schema, so no end ever holds one
 * giant literal or line (works with what Apache Livy returns: text/plain).
 */
final class LocalTransfer {

    static final int CHUNK_ROWS = 10_000;
    private static final Duration CHUNK_BUDGET = Duration.ofMinutes(2);

    /** How -o was asked for: the variable, the cap and sampling, and whether to coerce column types. */
    record Request(String variable, int maxRows, boolean sample, double fraction, boolean coerce) {
    }

    private final MagicContext ctx;

    LocalTransfer(MagicContext ctx) {
        this.ctx = ctx;
    }

    /** The -o flags every magic with -o shares. */
    static List<Flag> flags(String what) {
        return List.of(
                Flag.value("-o", "--output", "VAR", "also bring " + what + " into the local Python as the pandas DataFrame VAR"),
                Flag.value("-c", "--coerce", "true|false", "with -o: give columns the Spark types (default true)"));
    }

    static boolean coerce(MagicArgs args, String magic) {
        String v = args.value("coerce");
        if (v == null || v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new MagicUsageException("%%" + magic + ": -c must be true or false, not '" + v + "'.");
    }

    static void checkVariable(String magic, String flag, String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new MagicUsageException("%%" + magic + ": " + flag + " needs a Python variable name, not '" + name + "'.");
        }
    }

    /** The stash statement's code: run as the cell's statement so it shows progress and can be cancelled. */
    static String stashCode(String query, String sessionVariable, Request r) {
        return SessionPython.stashRows(query, sessionVariable, r.maxRows(), r.sample(), r.fraction());
    }

    /**
     * After the stash statement ended with {@code output}: fetches the rows, loads them as
     * {@code r.variable()} locally and says how many came; {@code show} also displays the frame.
     */
    CellResult finish(StatementOutput output, Request r, String what, boolean show, CellOutput out)
            throws InterruptedException {
        if (output == null) {
            return Errors.livy("Livy returned no output for the -o statement.");
        }
        if (output.isError()) {
            return Errors.sparkMessage(output);
        }
        SessionPython.Printed printed = SessionPython.parse(output.data() == null ? null
                : output.data().path("text/plain").asText(null));
        if (printed == null) {
            return Errors.livy("The rows for -o could not be read back from the session.");
        }
        if (!printed.before().isBlank()) {
            out.stream("stdout", printed.before().strip() + "\n");
        }
        JsonNode answer = printed.result();
        switch (answer.path("kind").asText()) {
            case "missing" -> {
                return Errors.usage("NameError", "-o: there is no DataFrame named " + what + " in the Spark session; "
                        + "create it in the cell (" + what + " = spark.sql(\"…\")).");
            }
            case "type" -> {
                return Errors.usage("TypeError", "-o: " + what + " in the Spark session is a " + answer.path("type").asText()
                        + ", not a Spark DataFrame.");
            }
            default -> {
            }
        }
        int count = answer.path("count").asInt();
        Path file = null;
        try {
            file = Files.createTempFile("livy-kernel-rows-", ".jsonl");
            CellResult fetched = fetch(count, file, out);
            if (!fetched.ok()) {
                return fetched;
            }
            String schema = SessionPython.JSON.writeValueAsString(answer.path("schema"));
            LocalPython.Hidden loaded = ctx.local().runQuietly("_livy_kernel_local.load(" + py(file.toString()) + ", "
                    + py(schema) + ", " + py(r.variable()) + ", " + (r.coerce() ? "True" : "False") + ")", out);
            if (!loaded.result().ok()) {
                return loaded.result();
            }
        } catch (IOException e) {
            return Errors.usage("LocalPythonError", "-o could not write the rows to a temporary file: " + e.getMessage());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
        out.stream("stdout", summary(r, count, answer.path("truncated").asBoolean()) + "\n");
        return show ? ctx.local().run(r.variable(), out) : CellResult.success();
    }

    /** {@link #finish} for a statement's finishing function, which may not throw. */
    CellResult finishing(StatementOutput output, Request r, String what, boolean show, CellOutput out) {
        try {
            return finish(output, r, what, show, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Errors.interrupted("The rows stopped coming; the local variable was not set.");
        }
    }

    /** The JSON the local helpers print after their marker, or null. */
    static JsonNode localAnswer(String stdout) {
        int at = stdout.lastIndexOf(LocalPython.RESULT_MARKER);
        if (at < 0) {
            return null;
        }
        try {
            return SessionPython.JSON.readTree(stdout.substring(at + LocalPython.RESULT_MARKER.length()).strip());
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static String summary(Request r, int count, boolean truncated) {
        String rows = count == 1 ? "1 row" : count + " rows";
        String sampled = r.sample() ? " (sampled with fraction " + r.fraction() + ")" : "";
        return "Brought " + rows + sampled + " into the local pandas DataFrame " + r.variable() + "."
                + (truncated ? " The result has more rows: -n " + r.maxRows() + " cut them (use -n -1 for all)." : "");
    }

    private CellResult fetch(int count, Path file, CellOutput out) throws IOException, InterruptedException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int from = 0; from < count || from == 0; from += CHUNK_ROWS) {
                if (out.context().isInterrupted()) {
                    return Errors.interrupted("The rows stopped coming; the local variable was not set.");
                }
                int to = Math.min(count, from + CHUNK_ROWS);
                boolean last = to >= count;
                List<String> rows = chunk(SessionPython.rowChunk(from, to, last));
                if (rows == null || rows.size() != to - from) {
                    return Errors.livy("The session stopped handing out the rows for -o (at row " + from + " of " + count
                            + "); run the cell again.");
                }
                for (String row : rows) {
                    w.write(row);
                    w.write('\n');
                }
                if (last) {
                    break;
                }
            }
        }
        return CellResult.success();
    }

    private List<String> chunk(String code) throws InterruptedException {
        Optional<StatementOutput> done = hidden(ctx, code);
        if (done.isEmpty() || done.get().isError() || done.get().data() == null) {
            return null;
        }
        return SessionPython.parseRows(done.get().data().path("text/plain").asText(null));
    }

    /** A hidden statement of a transfer; empty if the session would not run it. */
    static Optional<StatementOutput> hidden(MagicContext ctx, String code) throws InterruptedException {
        // Livy may report the session busy for a moment after the statement before; try again briefly.
        for (int attempt = 0; attempt < 6; attempt++) {
            Optional<StatementOutput> done = ctx.runner().hidden(code, CHUNK_BUDGET);
            if (done.isPresent()) {
                return done;
            }
            Thread.sleep(100L * (attempt + 1));
        }
        return Optional.empty();
    }

    /** A Python string literal of {@code s} (JSON's escapes are Python's). */
    static String py(String s) {
        try {
            return SessionPython.JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
