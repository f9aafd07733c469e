package livykernel.magics;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Python the magics run inside the session. Every snippet defines one helper function, prints
 * its JSON result after a marker and deletes the helper again, so the user's namespace and
 * {@code _} stay as they were; user text (SQL, code) travels base64-encoded, so quotes, triple
 * quotes and backslashes cannot break the generated code.
 */
public final class SessionPython {

    public static final String MARKER = "\u001elivy-kernel-result:";
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS, true);

    /** Turns a DataFrame into {"schema", "rows", "truncated"}; values JSON can't hold become strings. */
    private static final String TABLE_HELPER = """
                def _table(df, limit, sample, fraction, max_bytes=%d):
                    if sample:
                        df = df.sample(False, fraction)
                    rows = df.collect() if limit < 0 else df.take(limit + 1)
                    truncated = 0 <= limit < len(rows)
                    rows = rows[:limit] if truncated else rows
                    def plain(v):
                        if hasattr(v, "asDict"):
                            return {k: plain(x) for k, x in v.asDict().items()}
                        if isinstance(v, dict):
                            return {str(k): plain(x) for k, x in v.items()}
                        if isinstance(v, (list, tuple)):
                            return [plain(x) for x in v]
                        if v is None or isinstance(v, (bool, int, float, str)):
                            return v
                        return str(v)
                    # The kernel renders every row three times (HTML, text, Table Schema): rows past
                    # a quarter of the budget in JSON are left here, and the caption says so.
                    shown, size = [], 0
                    for r in rows:
                        row = [plain(x) for x in r]
                        size += len(json.dumps(row, default=str)) + 2
                        if size > max_bytes // 4:
                            break
                        shown.append(row)
                    cut = None if len(shown) == len(rows) else {"rows": len(rows), "max_bytes": max_bytes}
                    return {"kind": "table", "schema": json.loads(df.schema.json()),
                            "rows": shown, "truncated": truncated, "size_cut": cut}
            """;

    private SessionPython() {
    }

    /** The default bound on a table's rendered size (display_max_bytes' default). */
    static final int TABLE_MAX_BYTES = 5 * 1024 * 1024;

    static String sql(String query, int maxRows, boolean sample, double fraction) {
        return sql(query, maxRows, sample, fraction, TABLE_MAX_BYTES);
    }

    /** {@code maxBytes}: rows past about this much rendered output stay in the session (display_max_bytes). */
    static String sql(String query, int maxRows, boolean sample, double fraction, int maxBytes) {
        return wrap("_livy_kernel_sql", TABLE_HELPER.formatted(maxBytes) + """
                    return _table(spark.sql(_text("%s")), %d, %s, %s)
                """.formatted(b64(query), maxRows, sample ? "True" : "False", Double.toString(fraction)));
    }

    /** Runs {@code code} like a cell; a DataFrame (or pandas) value of its last expression comes back as a table. */
    static String pretty(String code, int maxRows) {
        return pretty(code, maxRows, TABLE_MAX_BYTES);
    }

    /** As {@link #pretty(String, int)}, its table bounded as {@link #sql(String, int, boolean, double, int)}'s. */
    static String pretty(String code, int maxRows, int maxBytes) {
        return pretty(code, maxRows, maxBytes, false);
    }

    /** The hidden session global where {@code %%pretty -o} keeps the last line's DataFrame for the stash. */
    static final String PRETTY_VALUE = "_livy_kernel_pretty_value";

    /**
     * As {@link #pretty(String, int, int)}; with {@code keep} a Spark DataFrame on the last line is
     * also kept in {@link #PRETTY_VALUE} (the answer says {@code kept}), for {@code -o} to bring it.
     */
    static String pretty(String code, int maxRows, int maxBytes, boolean keep) {
        return wrap("_livy_kernel_pretty", TABLE_HELPER.formatted(maxBytes) + """
                    import ast
                    tree = ast.parse(_text("%s"), "<stdin>", "exec")
                    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                    exec(compile(tree, "<stdin>", "exec"), globals())
                    if last is None:
                        return {"kind": "none", "type": None}
                    value = eval(compile(ast.Expression(last.value), "<stdin>", "eval"), globals())
                    from pyspark.sql import DataFrame
                    if isinstance(value, DataFrame):
                        answer = _table(value, %d, False, 0.0)
                        if %s:
                            globals()["%s"] = value
                            answer["kept"] = True
                        return answer
                    if type(value).__name__ == "DataFrame" and hasattr(value, "to_html"):
                        return {"kind": "html", "html": value.to_html(max_rows=%d), "text": value.to_string(max_rows=%d),
                                "type": type(value).__module__.split(".")[0] + " " + type(value).__name__}
                    return {"kind": "repr", "text": None if value is None else repr(value), "type": type(value).__name__}
                """.formatted(b64(code), maxRows, keep ? "True" : "False", PRETTY_VALUE, Math.max(maxRows, 1),
                Math.max(maxRows, 1)));
    }

    /** What stashes rows for -o prints before each chunk of them: the marker, then the row count. */
    public static final String ROWS_MARKER = "\u001elivy-kernel-rows:";

    /**
     * Stashes the rows of a DataFrame (the SQL's, or the session variable's) as JSON lines in a
     * hidden session global for {@link #rowChunk} to hand out; answers the schema and the count.
     * {@code query} null: the DataFrame is the session variable {@code variable}.
     */
    static String stashRows(String query, String variable, int maxRows, boolean sample, double fraction) {
        // A hidden global of ours (%%pretty -o's) is taken out as it is read, so the session keeps no extra reference.
        String read = PRETTY_VALUE.equals(variable) ? "pop" : "get";
        String source = query != null ? "spark.sql(_text(\"%s\"))".formatted(b64(query))
                : "globals().%s(_text(\"%s\"), None)".formatted(read, b64(variable));
        return wrap("_livy_kernel_stash", """
                    from pyspark.sql import DataFrame
                    df = %s
                    if not isinstance(df, DataFrame):
                        return {"kind": "missing" if df is None else "type", "type": type(df).__name__}
                    if %s:
                        df = df.sample(False, %s)
                    limit = %d
                    rows = df.toJSON().collect() if limit < 0 else df.toJSON().take(limit + 1)
                    truncated = 0 <= limit < len(rows)
                    globals()["_livy_kernel_rows"] = rows[:limit] if truncated else rows
                    return {"kind": "rows", "schema": json.loads(df.schema.json()), "count": min(len(rows), limit)
                            if truncated else len(rows), "truncated": truncated}
                """.formatted(source, sample ? "True" : "False", Double.toString(fraction), maxRows));
    }

    /** Prints stashed rows [from, to) one per line after the marker; the last chunk drops the stash. */
    static String rowChunk(int from, int to, boolean last) {
        String rows = last ? "globals().pop(\"_livy_kernel_rows\", [])" : "_livy_kernel_rows";
        return "(lambda p: print(\"\\n\\x1elivy-kernel-rows:%%d\\n%%s\" %% (len(p), \"\\n\".join(p))))(%s[%d:%d])"
                .formatted(rows, from, to);
    }

    /** The rows of one chunk's printed text, or null if its marker or count is missing. */
    static java.util.List<String> parseRows(String text) {
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf(ROWS_MARKER);
        if (at < 0) {
            return null;
        }
        int eol = text.indexOf('\n', at);
        String count = text.substring(at + ROWS_MARKER.length(), eol < 0 ? text.length() : eol).strip();
        int n;
        try {
            n = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return null;
        }
        if (n == 0) {
            return java.util.List.of();
        }
        if (eol < 0) {
            return null;
        }
        java.util.List<String> lines = java.util.Arrays.asList(text.substring(eol + 1).split("\n", -1));
        java.util.List<String> rows = lines.subList(0, Math.min(n, lines.size()));
        return rows.size() == n ? rows : null;
    }

    /** Appends JSON lines (base64 of them, so no quoting can break) to the hidden list a send builds up. */
    static String appendLines(String lines, boolean first) {
        return "%s_livy_kernel_in.extend(__import__(\"base64\").b64decode(\"%s\").decode(\"utf-8\").split(\"\\n\"))"
                .formatted(first ? "_livy_kernel_in = []\n" : "", b64(lines));
    }

    /** Sets the session variable {@code name} to the string {@code value}. */
    static String assignString(String name, String value) {
        return "%s = __import__(\"base64\").b64decode(\"%s\").decode(\"utf-8\")".formatted(name, b64(value));
    }

    /**
     * Builds a Spark DataFrame named {@code name} from the lines sent before, with the schema
     * {@code fieldsJson} ([{name, type}] with Spark type names), and drops the lines. Spark's own
     * JSON reader parses them in the JVM (a tenth of the time of Python's parsing and
     * createDataFrame for 100,000 rows), with the schema given, so nothing is inferred and a
     * timestamp keeps its wall clock; where the reader cannot take an RDD (Spark Connect) the
     * rows are converted in Python.
     */
    static String buildDataFrame(String name, String fieldsJson) {
        return wrap("_livy_kernel_receive", """
                    import datetime
                    from pyspark.sql.types import StructType
                    fields = json.loads(_text("%s"))
                    schema = StructType.fromJson({"type": "struct", "fields": [
                        {"name": f["name"], "type": f["type"], "nullable": True, "metadata": {}} for f in fields]})
                    lines = [line for line in globals().pop("_livy_kernel_in", []) if line]
                    try:
                        df = spark.read.schema(schema).json(spark.sparkContext.parallelize(lines))
                    except Exception:
                        def conv(t, v):
                            if v is None:
                                return None
                            if t == "timestamp":
                                return datetime.datetime.fromisoformat(v)
                            if t == "date":
                                return datetime.date.fromisoformat(v)
                            if t == "long":
                                return int(v)
                            if t == "double":
                                return float(v)
                            if t == "boolean":
                                return bool(v)
                            return v if isinstance(v, str) else json.dumps(v)
                        df = spark.createDataFrame([tuple(conv(f["type"], r.get(f["name"])) for f in fields)
                                                    for r in (json.loads(line) for line in lines)], schema)
                    globals()[_text("%s")] = df
                    return {"rows": len(lines)}
                """.formatted(b64(fieldsJson), b64(name)));
    }

    /** rlcompleter over the session's namespace, the way Python's own REPL completes. */
    public static String complete(String token) {
        return wrap("_livy_kernel_complete", """
                    import rlcompleter
                    completer = rlcompleter.Completer(globals())
                    found = []
                    for i in range(500):
                        match = completer.complete(_text("%s"), i)
                        if match is None:
                            break
                        match = match.rstrip("(")
                        if match not in found:
                            found.append(match)
                    return {"matches": found}
                """.formatted(b64(token)));
    }

    /** Signature and docstring of a dotted name (only names: nothing is called, properties aside). */
    public static String inspect(String dottedName, int detailLevel) {
        return wrap("_livy_kernel_inspect", """
                    import inspect, pydoc
                    name = _text("%s")
                    try:
                        obj = eval(name, globals())
                    except Exception:
                        return {"found": False}
                    try:
                        signature = str(inspect.signature(obj))
                    except (TypeError, ValueError):
                        signature = None
                    doc = inspect.getdoc(obj)
                    source = None
                    if %s:
                        try:
                            source = inspect.getsource(obj)
                        except Exception:
                            source = None
                    value = None if callable(obj) or inspect.ismodule(obj) else repr(obj)[:500]
                    return {"found": True, "name": name, "type": type(obj).__name__, "signature": signature,
                            "doc": doc, "source": source, "value": value}
                """.formatted(b64(dottedName), detailLevel > 0 ? "True" : "False"));
    }

    private static String wrap(String fn, String body) {
        return """
                def %1$s():
                    import base64, json
                    def _text(b):
                        return base64.b64decode(b).decode("utf-8")
                %2$s
                try:
                    print("\\n%3$s" + __import__("json").dumps(%1$s(), default=str))
                finally:
                    del %1$s
                """.formatted(fn, body.stripTrailing(), "\\x1elivy-kernel-result:");
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The helper's printed result split from what the user's own code printed around it. */
    public record Printed(String before, JsonNode result, String after) {
    }

    /** Null when the marker is missing (the statement printed no result). */
    public static Printed parse(String text) {
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf(MARKER);
        if (at < 0) {
            return null;
        }
        int end = text.indexOf('\n', at);
        String json = text.substring(at + MARKER.length(), end < 0 ? text.length() : end);
        try {
            JsonNode node = JSON.readTree(json);
            String before = text.substring(0, at).replaceFirst("\n$", "");
            String after = end < 0 ? "" : text.substring(end + 1);
            return new Printed(before, node, after);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
