package livykernel.magics;

import livykernel.display.Errors;
import livykernel.kernel.CellOutput;
import livykernel.kernel.CellResult;
import livykernel.livy.LivyException;
import livykernel.livy.Session;
import livykernel.livy.SessionLog;
import livykernel.logs.ArchiveException;
import livykernel.logs.ArchivedLog;
import livykernel.logs.EmrLogs;
import livykernel.logs.LogChoice;
import livykernel.session.SessionManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code %%logs}: the Livy log of this kernel's session. Unlike sparkmagic (first 100 lines)
 * it shows the last lines by default, and pages with --from, --all and --grep. For a session
 * Livy no longer has (or with --s3) it reads the logs Amazon EMR archived in S3.
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
        return "The Livy log of this kernel's session (spark-submit and driver output): the last 100 lines by default. "
                + "On Amazon EMR, --s3 (and a session that is gone) reads the logs EMR archived in S3.";
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
                Flag.value("-g", "--grep", "TEXT", "only lines containing TEXT (any case)"),
                Flag.toggle(null, "--s3", "read the logs Amazon EMR archived in S3 (emr_cluster_id, or found from the Livy host)"),
                Flag.value(null, "--source", "WHAT", "with --s3: livy (its lines of the Livy server log), driver, "
                        + "executor N (the N-th executor container) or all (default)"),
                Flag.value(null, "--session", "ID", "another session of this kernel, e.g. one that is gone"));
    }

    @Override
    public int maxPositionals() {
        return 1;
    }

    /**
     * What to fetch, validated from the flags. {@code from} null means "the last lines";
     * {@code session} null means this kernel's session; {@code choice} null means Livy's own log.
     */
    record Request(Integer from, int lines, boolean all, String grep, Integer session, LogChoice choice) {

        boolean s3() {
            return choice != null;
        }
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
        Integer session = args.has("session") ? args.intValue("logs", "session", 0) : null;
        return new Request(from, lines, all, grep, session, choice(args));
    }

    /** --source (which implies --s3) and its executor number; null for Livy's own log. */
    private static LogChoice choice(MagicArgs args) {
        String source = args.value("source");
        List<String> rest = args.positionals();
        if (source == null) {
            if (!rest.isEmpty()) {
                throw new MagicUsageException("%%logs: unexpected '" + rest.get(0) + "'; a number goes after --source executor.");
            }
            return args.has("s3") ? LogChoice.all() : null;
        }
        LogChoice.Source s = switch (source.toLowerCase(Locale.ROOT)) {
            case "livy" -> LogChoice.Source.LIVY;
            case "driver" -> LogChoice.Source.DRIVER;
            case "executor" -> LogChoice.Source.EXECUTOR;
            case "all" -> LogChoice.Source.ALL;
            default -> throw new MagicUsageException("%%logs: --source is livy, driver, executor N or all, not '" + source + "'.");
        };
        if (s != LogChoice.Source.EXECUTOR) {
            if (!rest.isEmpty()) {
                throw new MagicUsageException("%%logs: only --source executor takes a number.");
            }
            return new LogChoice(s, 0);
        }
        int n;
        try {
            n = rest.isEmpty() ? -1 : Integer.parseInt(rest.get(0));
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1) {
            throw new MagicUsageException("%%logs: --source executor needs the executor's number, e.g. --source executor 1.");
        }
        return new LogChoice(s, n);
    }

    @Override
    public CellResult run(MagicCall call, CellOutput out) {
        Request req = request(call.args());
        SessionManager sessions = ctx.sessions();
        Session s = sessions.current();
        EmrLogs emr = sessions.archive().orElse(null);
        boolean emrKnown = emr != null && emr.known();
        Integer id = req.session() != null ? req.session() : s != null ? Integer.valueOf(s.id())
                : req.s3() || emrKnown ? sessions.lastSessionId().orElse(null) : null;
        if (id == null) {
            out.stream("stdout", "No Spark session has started in this kernel yet, so there is no log. "
                    + (req.s3() ? "Name a session with --session ID to read its archived logs.\n"
                    : "Run a cell first (or %%info for the configuration).\n"));
            return CellResult.success();
        }
        boolean live = s != null && s.id() == id;
        String appId = sessions.appIdOf(id).orElse(live ? s.appId() : null);
        if (req.s3() || (!live && emrKnown && req.session() == null)) {
            return archived(id, appId, req, emr, out);
        }
        try {
            out.stream("stdout", render("Livy log of session " + id, req, (from, size) -> sessions.log(id, from, size)));
        } catch (LivyException e) {
            if (!e.isNotFound() && e.status() != 403) {
                throw e;
            }
            if (stillListed(sessions, id, e)) {
                out.stream("stdout", noLogRoute(id, e.status()));
                return CellResult.success();
            }
            if (e.status() == 403) {
                throw e;
            }
            if (emrKnown) {
                return archived(id, appId, req, emr, out);
            }
            out.stream("stdout", gone(id, appId));
        }
        return CellResult.success();
    }

    private static CellResult archived(int id, String appId, Request req, EmrLogs emr, CellOutput out) {
        if (emr == null) {
            return Errors.logArchive("This kernel has no EMR log archive configured.");
        }
        ArchivedLog log;
        try {
            log = emr.read(id, appId, req.choice() != null ? req.choice() : LogChoice.all());
        } catch (ArchiveException e) {
            return Errors.logArchive(e.getMessage());
        }
        List<String> lines = new ArrayList<>();
        for (ArchivedLog.File f : log.files()) {
            lines.add("==> " + f.where().uri() + " <==");
            lines.addAll(f.lines());
        }
        String title = "EMR's archived logs of session " + id + (log.appId() != null ? " (" + log.appId() + ")" : "");
        String text = render(title, req, (from, size) -> page(id, lines, from, size));
        out.stream("stdout", text + (log.notes().isEmpty() ? "" : String.join("\n", log.notes()) + "\n"));
        return CellResult.success();
    }

    /** A page of {@code lines} as Livy would serve it: {@code from} null is the last {@code size}, a negative size all. */
    static SessionLog page(int id, List<String> lines, Integer from, int size) {
        int total = lines.size();
        int start = from != null ? Math.min(from, total) : size < 0 ? 0 : Math.max(0, total - size);
        int end = size < 0 ? total : Math.min(total, start + size);
        return new SessionLog(id, start, total, lines.subList(start, end));
    }

    /** Reads one page of a log; the Livy session's or an archived one. */
    interface Pager {
        SessionLog page(Integer from, int size);
    }

    private static String render(String title, Request req, Pager pager) {
        if (req.grep() != null) {
            SessionLog log = pager.page(0, -1);
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
            String head = title + ": " + hits.size() + " of " + lines.size() + " lines contain '"
                    + req.grep() + "'" + (shown.size() < hits.size() ? ", showing " + shown.size() + " of them" : "") + ".\n";
            return head + (shown.isEmpty() ? "" : String.join("\n", shown) + "\n");
        }
        SessionLog log = pager.page(req.all() ? Integer.valueOf(0) : req.from(), req.all() ? -1 : req.lines());
        List<String> lines = log.log() == null ? List.of() : log.log();
        if (lines.isEmpty()) {
            return log.total() == 0 ? title + " is empty so far.\n"
                    : "No lines from " + log.from() + ": " + title + " has " + log.total() + " lines.\n";
        }
        int first = log.from();
        int last = first + lines.size() - 1;
        String head = title + ", lines " + first + "–" + last + " of " + log.total()
                + (first > 0 && req.from() == null && !req.all() ? " (the last " + lines.size() + "; --from 0 or --all for the start)" : "")
                + (last + 1 < log.total() ? " (more with --from " + (last + 1) + ")" : "") + ":\n";
        return head + String.join("\n", lines) + "\n";
    }

    /**
     * Whether Livy still has the session whose log it would not give: then the endpoint has no log
     * route (EMR Serverless) or no log for this user, rather than no session. A failing list (the
     * same credentials problem, say) rethrows the log's own error, which says it better.
     */
    private static boolean stillListed(SessionManager sessions, int id, LivyException logError) {
        try {
            return sessions.list().stream().anyMatch(x -> x.id() == id);
        } catch (LivyException | IllegalStateException e) {
            throw logError;
        }
    }

    static String noLogRoute(int id, int status) {
        return "Livy does not serve the log of session " + id + " (GET /sessions/" + id + "/log answered HTTP " + status
                + "): EMR Serverless' Livy endpoint has no log route, and a Livy with access control shows logs only "
                + "to users with view access. The Spark UI and driver log links in %%info (on EMR Serverless, the "
                + "application's dashboard) have the driver's output.\n";
    }

    private static String gone(int id, String appId) {
        StringBuilder sb = new StringBuilder("Spark session " + id + " is gone from Livy (deleted, reaped after its "
                + "idle timeout, or Livy restarted), and Livy keeps no log of a removed session.");
        if (appId != null) {
            sb.append(" Its Spark application ").append(appId).append(" still has its logs on the cluster: on YARN, "
                    + "`yarn logs -applicationId ").append(appId).append("`; on Amazon EMR, %%logs --s3 reads them from "
                    + "the cluster's S3 log archive (set emr_cluster_id if the kernel cannot find the cluster).");
        } else {
            sb.append(" Livy reported no Spark application id for it; on Amazon EMR, %%logs --s3 --source livy reads "
                    + "what the archived Livy server log says about it.");
        }
        return sb.append('\n').toString();
    }
}
