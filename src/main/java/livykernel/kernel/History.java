package livykernel.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import livykernel.wire.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The inputs (and text outputs) of this kernel's cells, for history_request: tail, range and
 * glob search, as IPython answers them. Everything lives in memory under session number
 * {@link #SESSION}; session 0 in a request also means "this session". Thread-safe.
 */
final class History {

    static final int SESSION = 1;

    /** One stored cell; {@code output} is the text/plain of its execute_result, or null. */
    record Entry(int line, String input, String output) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void addInput(int line, String input) {
        entries.add(new Entry(line, input, null));
    }

    synchronized void setOutput(int line, String output) {
        for (int k = entries.size() - 1; k >= 0; k--) {
            Entry e = entries.get(k);
            if (e.line() == line) {
                entries.set(k, new Entry(line, e.input(), output));
                return;
            }
        }
    }

    /** The last {@code n} entries, oldest first. */
    synchronized List<Entry> tail(int n) {
        int from = Math.max(0, entries.size() - Math.max(0, n));
        return List.copyOf(entries.subList(from, entries.size()));
    }

    /** Entries with {@code start <= line < stop}; {@code stop <= 0} means "to the end". */
    synchronized List<Entry> range(int session, int start, int stop) {
        if (!isThisSession(session)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.line() >= start && (stop <= 0 || e.line() < stop)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Inputs matching a case-sensitive glob ({@code * ? [..]}, like SQLite GLOB); with
     * {@code unique} only the latest of equal inputs; with {@code n > 0} only the latest n.
     */
    synchronized List<Entry> search(String glob, int n, boolean unique) {
        Pattern p = globToRegex(glob == null || glob.isEmpty() ? "*" : glob);
        List<Entry> matches = new ArrayList<>();
        for (Entry e : entries) {
            if (p.matcher(e.input()).matches()) {
                matches.add(e);
            }
        }
        if (unique) {
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry e : matches) {
                latest.remove(e.input());
                latest.put(e.input(), e);
            }
            matches = new ArrayList<>(latest.values());
        }
        if (n > 0 && matches.size() > n) {
            matches = matches.subList(matches.size() - n, matches.size());
        }
        return List.copyOf(matches);
    }

    /** Answers a history_request content with the reply's {@code history} list. */
    ArrayNode query(JsonNode request) {
        boolean output = request.path("output").asBoolean(false);
        String type = request.path("hist_access_type").asText("range");
        List<Entry> found;
        switch (type) {
            case "tail":
                found = tail(request.path("n").asInt(10));
                break;
            case "search":
                found = search(request.path("pattern").asText("*"), request.path("n").asInt(0),
                        request.path("unique").asBoolean(false));
                break;
            case "range":
                found = range(request.path("session").asInt(0), request.path("start").asInt(1),
                        request.path("stop").asInt(0));
                break;
            default:
                found = List.of();
        }
        ArrayNode list = Json.mapper().createArrayNode();
        for (Entry e : found) {
            ArrayNode row = list.addArray();
            row.add(SESSION);
            row.add(e.line());
            if (output) {
                ArrayNode pair = row.addArray();
                pair.add(e.input());
                if (e.output() == null) {
                    pair.addNull();
                } else {
                    pair.add(e.output());
                }
            } else {
                row.add(e.input());
            }
        }
        return list;
    }

    private static boolean isThisSession(int session) {
        return session == 0 || session == SESSION;
    }

    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int k = 0; k < glob.length(); k++) {
            char c = glob.charAt(k);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int close = glob.indexOf(']', k + 2);
                if (close < 0) {
                    re.append("\\[");
                    continue;
                }
                String set = glob.substring(k + 1, close);
                re.append('[');
                if (set.startsWith("^")) {
                    re.append('^');
                    set = set.substring(1);
                }
                re.append(set.replace("\\", "\\\\").replace("[", "\\[").replace("&&", "\\&\\&"));
                re.append(']');
                k = close;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
