# Run by the kernel as a hidden statement in every new session (Apache Livy or the embedded
# endpoint): defines display() and displayHTML() in the user's namespace. Livy's REPL returns
# only text/plain, so each display writes one framed mime bundle to stdout, in order with the
# cell's prints; the kernel's display.BundleDecoder turns the frames back into display_data.
# Everything else lives inside one function that deletes itself, so the namespace gains only
# the two names, and the statement ends in a statement (not an expression) so `_` is untouched.
def _livy_kernel_install_display(max_rows, max_bytes, rich_results):
    import base64
    import builtins
    import json
    import sys

    start, end = "\x1elivy-kernel-display:", "\x03"
    reprs = [("text/html", "_repr_html_"), ("text/markdown", "_repr_markdown_"),
             ("image/svg+xml", "_repr_svg_"), ("image/png", "_repr_png_"), ("image/jpeg", "_repr_jpeg_"),
             ("text/latex", "_repr_latex_"), ("application/json", "_repr_json_")]

    def plain(v):
        # Table cells as JSON can hold them: NaN and infinities become null and text.
        if hasattr(v, "asDict"):
            return {k: plain(x) for k, x in v.asDict().items()}
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, float) and v != v:
            return None
        if isinstance(v, float) and v in (float("inf"), float("-inf")):
            return str(v)
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        return str(v)

    def spark_frame(obj):
        for module in ("pyspark.sql", "pyspark.sql.connect.dataframe"):
            try:
                cls = getattr(__import__(module, fromlist=["DataFrame"]), "DataFrame")
            except Exception:
                continue
            if isinstance(obj, cls):
                return True
        return False

    def table(df, limit):
        rows = df.take(limit + 1) if limit >= 0 else df.collect()
        truncated = 0 <= limit < len(rows)
        rows = rows[:limit] if truncated else rows
        return {"application/vnd.livy-kernel.table+json": {
            "schema": json.loads(df.schema.json()), "rows": [[plain(x) for x in r] for r in rows],
            "truncated": truncated, "limit": limit,
            "types": [f.name + ": " + f.dataType.simpleString() for f in df.schema.fields]}}

    def figure(obj, fmt):
        import io
        buf = io.BytesIO()
        obj.savefig(buf, format=fmt, bbox_inches="tight")
        if fmt == "svg":
            return {"image/svg+xml": buf.getvalue().decode("utf-8")}
        return {"image/png": base64.b64encode(buf.getvalue()).decode("ascii")}

    def plotly_figure(obj):
        # Outside IPython plotly's own _repr_mimebundle_ answers nothing (no default renderer), so
        # the figure is asked directly: its JSON for front ends with plotly's renderer, HTML for the rest.
        import plotly.io as pio
        return {"application/vnd.plotly.v1+json": json.loads(pio.to_json(obj, validate=False)),
                "text/html": pio.to_html(obj, include_plotlyjs="cdn", full_html=False)}

    def altair_chart(obj):
        # Altair's default renderer answers only HTML outside IPython (vega-embed from a CDN); the
        # spec itself goes as the Vega-Lite mime type, which JupyterLab and Notebook 7 draw offline.
        import altair as alt
        major = str(getattr(alt, "SCHEMA_VERSION", "v5")).lstrip("v").split(".")[0]
        data, metadata = rich(obj)
        try:
            data["application/vnd.vegalite.v%s+json" % major] = obj.to_dict()
        except Exception:
            pass   # an invalid chart: its HTML (which shows altair's own error) and text remain
        return data, metadata

    def bokeh_model(obj):
        return type(obj).__module__.startswith("bokeh.") and hasattr(obj, "references") and hasattr(obj, "id")

    bokehjs_sent = []

    def show_bokeh(obj):
        # Bokeh's own notebook protocol, as bokeh.io.show() gives it under IPython: BokehJS (the
        # loader, with its application/vnd.bokehjs_load mime), then the figure's div and the script
        # that embeds its JSON (application/vnd.bokehjs_exec). The loader goes with every figure
        # when it only points at Bokeh's CDN (a few KB, a no-op once loaded, and a reloaded page
        # needs it again); inlined BokehJS (BOKEH_RESOURCES=inline) is megabytes, sent once per session.
        import bokeh.io.notebook as notebook
        from bokeh.io.state import curstate
        from bokeh.resources import Resources
        from bokeh.settings import settings

        def publish(data, metadata=None, **_):
            data = dict(data)
            if resources.mode == "inline" and "application/javascript" in data:
                # The loader holds BokehJS twice (classic notebook's form and JupyterLab's); one
                # copy is megabytes already, and every current front end runs the JavaScript one.
                data.pop(notebook.LOAD_MIME_TYPE, None)
            if "text/html" in data:
                data.setdefault("text/plain", repr(obj))
            emit(data, dict(metadata or {}))

        resources = Resources(mode=settings.resources())
        original = notebook.publish_display_data
        notebook.publish_display_data = publish
        try:
            if resources.mode != "inline" or not bokehjs_sent:
                notebook.load_notebook(resources, hide_banner=True)
                bokehjs_sent.append(True)
            notebook.show_doc(obj, curstate())
        finally:
            notebook.publish_display_data = original

    def encoded(mime, value):
        if isinstance(value, bytes):
            return base64.b64encode(value).decode("ascii") if mime.startswith("image/") else value.decode("utf-8")
        return value

    def rich(obj):
        # IPython's protocol: _repr_mimebundle_ first, then each _repr_*_ method; a method that
        # raises or returns None is skipped, so the plain repr always remains.
        data, metadata = {}, {}
        method = getattr(obj, "_repr_mimebundle_", None)
        if callable(method):
            try:
                got = method(include=None, exclude=None)
                if isinstance(got, tuple):
                    got, more = got
                    metadata.update(more or {})
                for mime, value in (got or {}).items():
                    data[mime] = encoded(mime, value)
            except Exception:
                pass
        for mime, name in reprs:
            method = getattr(obj, name, None)
            if mime in data or not callable(method):
                continue
            try:
                value = method()
            except Exception:
                continue
            if isinstance(value, tuple):
                value, more = value
                metadata[mime] = more
            if value is not None:
                data[mime] = encoded(mime, value)
        return data, metadata

    def bundle(obj, limit, fmt="png"):
        if spark_frame(obj):
            return table(obj, limit), {}
        if type(obj).__module__.startswith("matplotlib") and hasattr(obj, "savefig"):
            data, metadata = figure(obj, fmt), {}
        elif type(obj).__module__.startswith("plotly") and hasattr(obj, "to_plotly_json"):
            data, metadata = plotly_figure(obj), {}
        elif type(obj).__module__.startswith("altair") and hasattr(obj, "to_dict"):
            data, metadata = altair_chart(obj)
        elif type(obj).__module__.startswith("pandas") and type(obj).__name__ == "Series":
            # A Series has no HTML form of its own; as a one-column frame it shows like one.
            data, metadata = rich(obj.to_frame())
            data["text/plain"] = repr(obj)
        else:
            data, metadata = rich(obj)
        data.setdefault("text/plain", repr(obj))
        return data, metadata

    def emit(data, metadata, result=False):
        frame = {"data": data, "metadata": metadata}
        if result:
            frame["result"] = True
        body = json.dumps(frame, default=str).encode("utf-8")
        if len(body) > max_bytes:
            # Never send what the kernel would drop: say how big it was instead.
            body = json.dumps({"dropped": len(body), "cap": max_bytes}).encode("utf-8")
        sys.stdout.write(start + base64.b64encode(body).decode("ascii") + end + "\n")

    def display(*objs, limit=None, format="png"):
        """Shows each object in its richest form (HTML, images, a table of a DataFrame's first rows).
        limit: rows of a DataFrame to show; format: "png" or "svg" for a matplotlib figure."""
        if format not in ("png", "svg"):
            raise ValueError("display(format=...) takes 'png' or 'svg', not %r" % (format,))
        for obj in objs:
            if bokeh_model(obj):
                show_bokeh(obj)
            else:
                emit(*bundle(obj, max_rows if limit is None else limit, format))

    def displayHTML(html):
        """Shows an HTML string."""
        emit({"text/html": str(html), "text/plain": str(html)}, {})

    def has_rich_form(value):
        if isinstance(value, type):
            return False  # a class's _repr_html_ is an unbound function, not a form of the class
        if spark_frame(value) or (type(value).__module__.startswith("matplotlib") and hasattr(value, "savefig")):
            return True
        if type(value).__module__.startswith("pandas") and type(value).__name__ == "Series":
            return True
        return any(callable(getattr(value, name, None)) for name in ["_repr_mimebundle_"] + [n for _, n in reprs])

    plain_hook = sys.displayhook

    def result_hook(value):
        # Livy's REPL echoes the cell's last expression through sys.displayhook; a value with a
        # rich form becomes the cell's result bundle instead of its repr, and sets _ as the REPL does.
        if value is None or not has_rich_form(value):
            return plain_hook(value)
        if bokeh_model(value):
            # Bokeh's protocol takes several outputs, so the figure is displayed, as bokeh.io.show() does.
            builtins._ = value
            return show_bokeh(value)
        data, metadata = bundle(value, max_rows)
        if set(data) == {"text/plain"}:
            # Every _repr_*_ failed (or answered anything, as a py4j JavaObject does): Livy's repr it is.
            return plain_hook(value)
        builtins._ = value
        emit(data, metadata, result=True)

    globals()["display"] = display
    globals()["displayHTML"] = displayHTML
    if rich_results:
        sys.displayhook = result_hook


try:
    _livy_kernel_install_display(%MAX_ROWS%, %MAX_BYTES%, %RICH_RESULTS%)
finally:
    del _livy_kernel_install_display
