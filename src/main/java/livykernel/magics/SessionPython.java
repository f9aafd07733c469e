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
                def _table(df, limit, sample, fraction):
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
                    return {"kind": "table", "schema": json.loads(df.schema.json()),
                            "rows": [[plain(x) for x in r] for r in rows], "truncated": truncated}
            """;

    private SessionPython() {
    }

    static String sql(String query, int maxRows, boolean sample, double fraction) {
        return wrap("_livy_kernel_sql", TABLE_HELPER + """
                    return _table(spark.sql(_text("%s")), %d, %s, %s)
                """.formatted(b64(query), maxRows, sample ? "True" : "False", Double.toString(fraction)));
    }

    /** Runs {@code code} like a cell; a DataFrame (or pandas) value of its last expression comes back as a table. */
    static String pretty(String code, int maxRows) {
        return wrap("_livy_kernel_pretty", TABLE_HELPER + """
                    import ast
                    tree = ast.parse(_text("%s"), "<stdin>", "exec")
                    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                    exec(compile(tree, "<stdin>", "exec"), globals())
                    if last is None:
                        return {"kind": "none"}
                    value = eval(compile(ast.Expression(last.value), "<stdin>", "eval"), globals())
                    from pyspark.sql import DataFrame
                    if isinstance(value, DataFrame):
                        return _table(value, %d, False, 0.0)
                    if type(value).__name__ == "DataFrame" and hasattr(value, "to_html"):
                        return {"kind": "html", "html": value.to_html(max_rows=%d), "text": value.to_string(max_rows=%d)}
                    return {"kind": "repr", "text": None if value is None else repr(value)}
                """.formatted(b64(code), maxRows, Math.max(maxRows, 1), Math.max(maxRows, 1)));
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

    private static String b64(String s) {
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
