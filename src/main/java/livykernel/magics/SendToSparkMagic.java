package livykernel.magics;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.display.Errors;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.StatementOutput;
import livykernel.localpy.LocalPython;
import livykernel.session.SessionStartException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code %%send_to_spark}: a str or pandas DataFrame of the local Python becomes a variable in
 * the Spark session (a DataFrame as a Spark DataFrame with a matching schema, sent in chunks).
 */
final class SendToSparkMagic implements Magic {

    /**
     * About this much JSON text goes in one hidden statement (a third more as base64): few round
     * trips for a big frame, since each costs a statement's submit, run and poll, yet far below
     * Livy's 50 MB RPC frame ({@code livy.rsc.rpc.max.size}), and the kernel holds one chunk at a time.
     */
    static final int PUSH_CHUNK_CHARS = 4_000_000;

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
        return "Send a str or pandas DataFrame of the local Python (%%local) to the Spark session.";
    }

    @Override
    public String example() {
        return "%%send_to_spark -i local_df -t df -n remote_df";
    }

    @Override
    public List<Flag> flags() {
        return List.of(Flag.value("-i", "--input", "VAR", "the local variable to send"),
                Flag.value("-t", "--type", "str|df", "what it is: a str (default) or a pandas DataFrame"),
                Flag.value("-n", "--varname", "NAME", "its name in the session (default: the same as -i)"),
                Flag.value("-m", "--maxrows", "MAXROWS", "send at most MAXROWS rows of a DataFrame (default "
                        + SqlMagic.DEFAULT_MAX_ROWS + ", -1 for all)"));
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) throws InterruptedException {
        MagicArgs args = call.args();
        String input = args.value("input");
        if (input == null) {
            throw new MagicUsageException("%%send_to_spark needs -i VAR: the local variable to send.");
        }
        LocalTransfer.checkVariable("send_to_spark", "-i", input);
        String type = args.value("type") == null ? "str" : args.value("type");
        if (!type.equals("str") && !type.equals("df")) {
            throw new MagicUsageException("%%send_to_spark: -t must be 'str' or 'df', not '" + type + "'.");
        }
        String remote = args.value("varname") == null ? input : args.value("varname");
        LocalTransfer.checkVariable("send_to_spark", "-n", remote);
        int maxRows = args.intValue("send_to_spark", "maxrows", SqlMagic.DEFAULT_MAX_ROWS);
        Path file = null;
        try {
            file = Files.createTempFile("livy-kernel-send-", type.equals("df") ? ".jsonl" : ".txt");
            LocalPython.Hidden dumped = ctx.local().runQuietly("_livy_kernel_local.dump(" + LocalTransfer.py(input) + ", "
                    + LocalTransfer.py(type) + ", " + maxRows + ", " + LocalTransfer.py(file.toString()) + ")", out);
            if (!dumped.result().ok()) {
                return dumped.result();
            }
            JsonNode answer = LocalTransfer.localAnswer(dumped.stdout());
            if (answer == null) {
                return Errors.usage("LocalPythonError", "The local Python did not say what " + input + " is.");
            }
            CellResult problem = problem(answer, input, type);
            if (problem != null) {
                return problem;
            }
            try {
                ctx.runner().startSession(out);
            } catch (SessionStartException e) {
                return Errors.sessionStart(e.getMessage());
            }
            return type.equals("str") ? sendString(file, input, remote, out)
                    : sendFrame(file, answer, input, remote, maxRows, out);
        } catch (IOException e) {
            return Errors.usage("LocalPythonError", "%%send_to_spark could not use a temporary file: " + e.getMessage());
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    /** The user's mistake the local Python found, or null. */
    static CellResult problem(JsonNode answer, String input, String type) {
        String wanted = type.equals("str") ? "a str (-t str)" : "a pandas DataFrame (-t df)";
        return switch (answer.path("problem").asText("")) {
            case "missing" -> Errors.usage("NameError", "There is no local variable named " + input
                    + "; create it in a %%local cell first.");
            case "none" -> Errors.usage("ValueError", "The local variable " + input + " is None; there is nothing to send.");
            case "type" -> Errors.usage("TypeError", "The local variable " + input + " is a " + answer.path("type").asText()
                    + ", not " + wanted + ".");
            default -> null;
        };
    }

    private CellResult sendString(Path file, String input, String remote, CellOutput out)
            throws IOException, InterruptedException {
        Optional<StatementOutput> done = LocalTransfer.hidden(ctx, SessionPython.assignString(remote,
                Files.readString(file, StandardCharsets.UTF_8)));
        CellResult failed = failure(done);
        if (failed != null) {
            return failed;
        }
        out.stream("stdout", "Sent the local str " + input + " to the Spark session as " + remote + ".\n");
        return CellResult.success();
    }

    private CellResult sendFrame(Path file, JsonNode answer, String input, String remote, int maxRows, CellOutput out)
            throws IOException, InterruptedException {
        // Read a chunk at a time: the kernel never holds more than one chunk of a big frame.
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            boolean first = true;
            List<String> part = new ArrayList<>();
            long partChars = 0;
            for (String line = reader.readLine(); line != null || first || !part.isEmpty(); line = reader.readLine()) {
                if (line != null) {
                    part.add(line);
                    partChars += line.length() + 1;
                    if (partChars < PUSH_CHUNK_CHARS) {
                        continue;
                    }
                }
                if (out.context().isInterrupted()) {
                    return Errors.interrupted("The rows stopped going; " + remote + " was not set in the session.");
                }
                CellResult failed = failure(LocalTransfer.hidden(ctx, SessionPython.appendLines(String.join("\n", part), first)));
                if (failed != null) {
                    return failed;
                }
                first = false;
                part.clear();
                partChars = 0;
                if (line == null) {
                    break;
                }
            }
        }
        Optional<StatementOutput> built = LocalTransfer.hidden(ctx,
                SessionPython.buildDataFrame(remote, SessionPython.JSON.writeValueAsString(answer.path("fields"))));
        CellResult failed = failure(built);
        if (failed != null) {
            return failed;
        }
        int rows = answer.path("rows").asInt();
        int total = answer.path("total").asInt();
        out.stream("stdout", "Sent " + (rows == 1 ? "1 row" : rows + " rows") + " of the local DataFrame " + input
                + " to the Spark session as the Spark DataFrame " + remote + "."
                + (total > rows ? " It has " + total + " rows: -m " + maxRows + " cut them (use -m -1 for all)." : "") + "\n");
        return CellResult.success();
    }

    private static CellResult failure(Optional<StatementOutput> done) {
        if (done.isEmpty()) {
            return Errors.livy("The Spark session did not take the data (it stayed busy or did not answer); run the cell again.");
        }
        return done.get().isError() ? Errors.sparkMessage(done.get()) : null;
    }
}
