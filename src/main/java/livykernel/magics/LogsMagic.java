package livykernel.magics;

import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.session.SessionManager;
import livykernel.livy.LivyException;
import livykernel.livy.Session;
import livykernel.livy.SessionLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code %%logs}: the Livy log of this kernel's session. Unlike sparkmagic (first 100 lines)
 * it shows the last lines by default, and pages with --from, --all and --grep.
 */
final class LogsMagic implements Magic {

    static final int DEFAULT_LINES = 100;

    private final MagicContext ctx;

    LogsMagic(MagicContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public String summary() {
        return "The Livy log of this kernel's session (spark-submit and driver output): the last 100 lines by default.";
    }

    @Override
    public String example() {
        return "%%logs -n 20 --grep WARN";
    }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.value("-n", "--lines", "N", "how many lines (default " + DEFAULT_LINES + ")"),
                Flag.value(null, "--from", "N", "start at line N (0 = the first line) instead of showing the last lines"),
                Flag.toggle("-a", "--all", "the whole log"),
                Flag.value("-g", "--grep", "TEXT", "only lines containing TEXT (any case)"));
    }

    /** What to fetch, validated from the flags. {@code from} null means "the last lines". */
    record Request(Integer from, int lines, boolean all, String grep) {
    }

    static Request request(MagicArgs args) {
        int lines = args.intValue("logs", "lines", DEFAULT_LINES);
        if (lines <= 0) {
            throw new MagicUsageException("%%logs: -n must be at least 1 (use --all for the whole log).");
        }
        Integer from = args.has("from") ? args.intValue("logs", "from", 0) : null;
        if (from != null && from < 0) {
            throw new MagicUsageException("%%logs: --from must be 0 or more.");
        }
        boolean all = args.has("all");
        if (all && (args.has("lines") || from != null)) {
            throw new MagicUsageException("%%logs: --all shows the whole log; leave out -n and --from.");
        }
        String grep = args.value("grep");
        if (grep != null && grep.isEmpty()) {
            throw new MagicUsageException("%%logs: --grep needs some text.");
        }
        return new Request(from, lines, all, grep);
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        Request req = request(call.args());
        Session s = ctx.sessions().current();
        if (s == null) {
            out.stream("stdout", "No Spark session has started in this kernel yet, so there is no log. "
                    + "Run a cell first (or %%info for the configuration).\n");
            return CellResult.success();
        }
        try {
            out.stream("stdout", render(s.id(), req, ctx.sessions()));
        } catch (LivyException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            out.stream("stdout", gone(s));
        }
        return CellResult.success();
    }

    private static String render(int id, Request req, SessionManager sessions) {
        if (req.grep() != null) {
            SessionLog log = sessions.log(id, 0, -1);
            List<String> lines = log.log() == null ? List.of() : log.log();
            String needle = req.grep().toLowerCase(Locale.ROOT);
            List<String> hits = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).toLowerCase(Locale.ROOT).contains(needle)) {
                    hits.add(String.format("%6d  %s", log.from() + i, lines.get(i)));
                }
            }
            int skip = req.all() ? 0 : req.from() != null ? Math.min(req.from(), hits.size())
                    : Math.max(0, hits.size() - req.lines());
            List<String> shown = req.all() ? hits : hits.subList(skip, Math.min(hits.size(), skip + req.lines()));
            String head = "Livy log of session " + id + ": " + hits.size() + " of " + lines.size() + " lines contain '"
                    + req.grep() + "'" + (shown.size() < hits.size() ? ", showing " + shown.size() + " of them" : "") + ".\n";
            return head + (shown.isEmpty() ? "" : String.join("\n", shown) + "\n");
        }
        SessionLog log = sessions.log(id, req.all() ? Integer.valueOf(0) : req.from(), req.all() ? -1 : req.lines());
        List<String> lines = log.log() == null ? List.of() : log.log();
        if (lines.isEmpty()) {
            return log.total() == 0 ? "The Livy log of session " + id + " is empty so far.\n"
                    : "No lines from " + log.from() + ": the Livy log of session " + id + " has " + log.total() + " lines.\n";
        }
        int first = log.from();
        int last = first + lines.size() - 1;
        String head = "Livy log of session " + id + ", lines " + first + "–" + last + " of " + log.total()
                + (first > 0 && req.from() == null && !req.all() ? " (the last " + lines.size() + "; --from 0 or --all for the start)" : "")
                + (last + 1 < log.total() ? " (more with --from " + (last + 1) + ")" : "") + ":\n";
        return head + String.join("\n", lines) + "\n";
    }

    private static String gone(Session s) {
        StringBuilder sb = new StringBuilder("Spark session " + s.id() + " is gone from Livy (deleted, reaped after its "
                + "idle timeout, or Livy restarted), and Livy keeps no log of a removed session.");
        if (s.appId() != null) {
            sb.append(" Its Spark application ").append(s.appId()).append(" still has its logs on the cluster: on YARN, "
                    + "`yarn logs -applicationId ").append(s.appId()).append("`; on Amazon EMR, in the cluster's S3 log "
                    + "bucket under containers/").append(s.appId()).append("/.");
        } else {
            sb.append(" Livy reported no Spark application id for it, so there is nowhere else to look.");
        }
        return sb.append('\n').toString();
    }
}
