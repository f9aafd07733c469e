package livykernel.completion;

import com.fasterxml.jackson.databind.JsonNode;
import livykernel.execution.StatementRunner;
import livykernel.kernel.Completer;
import livykernel.livy.LivyException;
import livykernel.livy.Session;
import livykernel.livy.StatementOutput;
import livykernel.magics.Flag;
import livykernel.magics.Magic;
import livykernel.magics.MagicLine;
import livykernel.magics.MagicRegistry;
import livykernel.magics.SessionPython;
import livykernel.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tab completion and Shift-Tab help. Magic names and flags are completed locally; Python names
 * come from the session: Livy's /completion first, and where that answers nothing (real Livy
 * for PySpark) a hidden rlcompleter statement, only when the session is idle. Everything is
 * bounded by a small time budget, and a session is never started for it.
 */
public final class SessionCompleter implements Completer {

    private static final Logger LOG = LoggerFactory.getLogger(SessionCompleter.class);
    private static final Pattern MAGIC_NAME = Pattern.compile("^(%%?)(\\w*)$");
    private static final Pattern MAGIC_LINE = Pattern.compile("^%%?(\\w+)\\s.*?(\\S*)$");
    /** Cells whose body is not Python: completing Python names there would only mislead. */
    private static final Set<String> NON_PYTHON_BODIES = Set.of("sql", "configure", "local", "send_to_spark");

    private final MagicRegistry registry;
    private final SessionManager sessions;
    private final StatementRunner runner;
    private final Duration budget;

    public SessionCompleter(MagicRegistry registry, SessionManager sessions, StatementRunner runner, Duration budget) {
        this.registry = registry;
        this.sessions = sessions;
        this.runner = runner;
        this.budget = budget;
    }

    @Override
    public Completion complete(String code, int cursor) {
        cursor = Math.max(0, Math.min(cursor, code.length()));
        int lineStart = code.lastIndexOf('\n', cursor - 1) + 1;
        String before = code.substring(lineStart, cursor);
        boolean firstLine = code.substring(0, lineStart).isBlank();
        if (firstLine && before.startsWith("%")) {
            Completion local = completeMagicLine(before, lineStart, cursor, code);
            if (local != null) {
                return local;
            }
        }
        MagicLine magic = MagicLine.parse(code);
        if (magic != null && magic.cellMagic() && NON_PYTHON_BODIES.contains(magic.name())) {
            return new Completion(List.of(), cursor, cursor);
        }
        int start = cursor;
        while (start > 0 && isNameChar(code.charAt(start - 1))) {
            start--;
        }
        String token = code.substring(start, cursor);
        if (token.isEmpty() || Character.isDigit(token.charAt(0))) {
            return new Completion(List.of(), cursor, cursor);
        }
        return new Completion(pythonMatches(code, cursor, token), start, cursor);
    }

    /** Magic names ("%%con" → "%%configure"), then flags and %%progress modes; null when none apply. */
    private Completion completeMagicLine(String before, int lineStart, int cursor, String code) {
        Matcher name = MAGIC_NAME.matcher(before);
        if (name.matches()) {
            String percent = name.group(1);
            String typed = name.group(2);
            List<String> matches = new ArrayList<>();
            for (String n : registry.names()) {
                if (n.startsWith(typed)) {
                    matches.add(percent + n);
                }
            }
            if (percent.equals("%")) {
                MagicRegistry.LIVY_LINE_MAGICS.stream().filter(n -> n.startsWith(typed)).forEach(n -> matches.add("%" + n));
            }
            int end = cursor;
            while (end < code.length() && isNameChar(code.charAt(end))) {
                end++;
            }
            return new Completion(matches, lineStart, end);
        }
        Matcher line = MAGIC_LINE.matcher(before);
        if (!line.matches()) {
            return null;
        }
        Magic magic = registry.find(line.group(1)).orElse(null);
        if (magic == null) {
            return null;
        }
        String word = line.group(2);
        List<String> matches = new ArrayList<>();
        if (word.startsWith("-")) {
            for (Flag f : magic.flags()) {
                for (String spelling : new String[]{f.longName(), f.shortName()}) {
                    if (spelling != null && spelling.startsWith(word)) {
                        matches.add(spelling);
                    }
                }
            }
        } else {
            for (String choice : magic.choices()) {
                if (choice.startsWith(word)) {
                    matches.add(choice);
                }
            }
        }
        return new Completion(matches, cursor - word.length(), cursor);
    }

    private List<String> pythonMatches(String code, int cursor, String token) {
        Session s = sessions.current();
        if (s == null || !s.isReady()) {
            return List.of();
        }
        long deadline = System.nanoTime() + budget.toNanos();
        List<String> found = new ArrayList<>();
        try {
            for (String c : sessions.complete(code, cursor, remaining(deadline))) {
                String m = normalize(token, c);
                if (m != null && !found.contains(m)) {
                    found.add(m);
                }
            }
        } catch (LivyException e) {
            LOG.debug("Livy completion failed: {}", e.getMessage());
        }
        if (!found.isEmpty()) {
            return found;
        }
        JsonNode result = runHelper(SessionPython.complete(token), deadline);
        if (result != null) {
            result.path("matches").forEach(m -> found.add(m.asText()));
        }
        return found;
    }

    /** Livy's Scala completer answers "range" for "spark.ra"; ours answers "spark.range". Both replace the whole token. */
    static String normalize(String token, String candidate) {
        if (candidate.startsWith(token)) {
            return candidate;
        }
        int dot = token.lastIndexOf('.');
        String last = token.substring(dot + 1);
        return candidate.startsWith(last) ? token.substring(0, dot + 1) + candidate : null;
    }

    @Override
    public Inspection inspect(String code, int cursor, int detailLevel) {
        cursor = Math.max(0, Math.min(cursor, code.length()));
        Inspection magicHelp = inspectMagic(code, cursor);
        if (magicHelp != null) {
            return magicHelp;
        }
        String name = nameAt(code, cursor);
        Session s = sessions.current();
        if (name.isEmpty() || s == null || !s.isReady()) {
            return new Inspection(false, Map.of());
        }
        JsonNode r = runHelper(SessionPython.inspect(name, detailLevel), System.nanoTime() + budget.toNanos());
        if (r == null || !r.path("found").asBoolean(false)) {
            return new Inspection(false, Map.of());
        }
        StringBuilder text = new StringBuilder();
        if (!r.path("signature").isNull() && r.has("signature")) {
            text.append("Signature: ").append(name).append(r.path("signature").asText()).append('\n');
        }
        text.append("Type:      ").append(r.path("type").asText()).append('\n');
        if (r.hasNonNull("value")) {
            text.append("Value:     ").append(r.path("value").asText()).append('\n');
        }
        if (r.hasNonNull("doc")) {
            text.append("Docstring:\n").append(r.path("doc").asText()).append('\n');
        }
        if (r.hasNonNull("source")) {
            text.append("Source:\n").append(r.path("source").asText()).append('\n');
        }
        return new Inspection(true, Map.of("text/plain", text.toString().stripTrailing()));
    }

    /** Shift-Tab on a magic's first line shows its help, from the registry. */
    private Inspection inspectMagic(String code, int cursor) {
        MagicLine line = MagicLine.parse(code);
        int firstLineEnd = code.indexOf('\n', code.length() - code.stripLeading().length());
        if (line == null || (firstLineEnd >= 0 && cursor > firstLineEnd)) {
            return null;
        }
        Magic m = registry.find(line.name()).orElse(null);
        if (m == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder("%%" + m.name() + ": " + m.summary() + "\n");
        for (Flag f : m.flags()) {
            sb.append("  ").append(f.usage()).append("  ").append(f.help()).append('\n');
        }
        sb.append("Example:\n").append(m.example());
        return new Inspection(true, Map.of("text/plain", sb.toString()));
    }

    /** The dotted name under the cursor, or the callee of the call the cursor is in ("spark.range(1|0)"). */
    static String nameAt(String code, int cursor) {
        int start = cursor;
        while (start > 0 && isNameChar(code.charAt(start - 1))) {
            start--;
        }
        int end = cursor;
        while (end < code.length() && isNameChar(code.charAt(end))) {
            end++;
        }
        String name = trimDots(code.substring(start, end));
        if (!name.isEmpty() && !Character.isDigit(name.charAt(0))) {
            return name;
        }
        int depth = 0;
        for (int i = cursor - 1; i >= 0 && code.charAt(i) != '\n'; i--) {
            char c = code.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(') {
                if (depth == 0) {
                    int e = i;
                    int b = e;
                    while (b > 0 && isNameChar(code.charAt(b - 1))) {
                        b--;
                    }
                    return trimDots(code.substring(b, e));
                }
                depth--;
            }
        }
        return "";
    }

    private static String trimDots(String s) {
        return s.replaceAll("^\\.+|\\.+$", "");
    }

    /** Runs a session helper within the budget left; nothing when the session is busy or slow. */
    private JsonNode runHelper(String code, long deadline) {
        if (System.nanoTime() >= deadline) {
            return null;
        }
        StatementOutput out = runner.hidden(code, remaining(deadline)).orElse(null);
        if (out == null || out.isError() || out.data() == null) {
            return null;
        }
        SessionPython.Printed printed = SessionPython.parse(out.data().path("text/plain").asText(null));
        return printed == null ? null : printed.result();
    }

    private static Duration remaining(long deadline) {
        // Never zero: OkHttp reads a zero call timeout as "no timeout".
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static boolean isNameChar(char c) {
        return Character.isJavaIdentifierPart(c) && c != '$' || c == '.';
    }
}
