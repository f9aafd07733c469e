# Start-up of the kernel's local Python: a child ipykernel owned by the Java kernel.
# Run as: python -c <this file> <connection file>. The parent holds our stdin pipe; when it
# goes (even by SIGKILL) the pipe reaches EOF and this process ends, so nothing is left behind.
import os
import sys
import threading


def _watch_parent():
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    os._exit(0)


# Our own process group: a signal meant for the Java kernel's group (Ctrl-C in a terminal,
# ipykernel's killpg on interrupt) must not reach the other side.
try:
    os.setpgrp()
except OSError:
    pass
threading.Thread(target=_watch_parent, name="livy-kernel-parent-watch", daemon=True).start()


class _Transfer:
    """Helpers the Java kernel calls in this Python for -o and %%send_to_spark."""

    RESULT = "\x1elivy-kernel-local:"

    @staticmethod
    def _ns():
        return get_ipython().user_ns  # noqa: F821 (IPython's builtin)

    def load(self, path, schema_json, var, coerce):
        import json
        import re
        import pandas as pd
        fields = json.loads(schema_json)["fields"]
        names = [f["name"] for f in fields]
        with open(path, encoding="utf-8") as f:
            records = [json.loads(line) for line in f if line.strip()]
        df = pd.DataFrame.from_records(records, columns=names) if records else pd.DataFrame(columns=names)
        if coerce:
            for f in fields:
                t = f["type"] if isinstance(f["type"], str) else f["type"].get("type")
                col = df[f["name"]]
                has_null = bool(col.isna().any())
                if t in ("byte", "short", "integer", "long"):
                    df[f["name"]] = col.astype("Int64" if has_null else "int64")
                elif t in ("float", "double") or (isinstance(t, str) and t.startswith("decimal")):
                    df[f["name"]] = pd.to_numeric(col, errors="coerce").astype("float64")
                elif t == "boolean":
                    df[f["name"]] = col.astype("boolean" if has_null else "bool")
                elif t in ("date", "timestamp", "timestamp_ntz"):
                    # Spark writes the session's wall-clock time and its offset; keep the wall clock, as show() does.
                    text = col.astype("string").str.replace(r"(Z|[+-]\d\d:?\d\d)$", "", regex=True)
                    df[f["name"]] = pd.to_datetime(text, errors="coerce", format="ISO8601")
                elif t == "string":
                    df[f["name"]] = col.astype("object")
        self._ns()[var] = df
        print(self.RESULT + json.dumps({"rows": len(df), "columns": len(names)}))

    def dump(self, var, kind, maxrows, path):
        import json
        ns = self._ns()
        if var not in ns:
            return self._answer({"problem": "missing"})
        value = ns[var]
        if value is None:
            return self._answer({"problem": "none"})
        if kind == "str":
            if not isinstance(value, str):
                return self._answer({"problem": "type", "type": type(value).__name__})
            with open(path, "w", encoding="utf-8") as f:
                f.write(value)
            return self._answer({"chars": len(value)})
        import pandas as pd
        if not isinstance(value, pd.DataFrame):
            return self._answer({"problem": "type", "type": type(value).__name__})
        frame = value if maxrows < 0 else value.head(maxrows)
        fields = [{"name": str(c), "type": self._spark_type(frame[c])} for c in frame.columns]
        out = frame.copy()
        out.columns = [f["name"] for f in fields]
        for f in fields:
            if f["type"] in ("timestamp", "date"):
                col = pd.to_datetime(out[f["name"]], errors="coerce")
                fmt = "%Y-%m-%dT%H:%M:%S.%f" if f["type"] == "timestamp" else "%Y-%m-%d"
                out[f["name"]] = col.dt.strftime(fmt).astype(object).where(col.notna(), None)
        # Column by column, not value by value: a missing value of any kind (None, NaN, NA, NaT) is
        # null, and tolist() gives Python scalars, so 100,000 rows take a fraction of a second.
        names = [f["name"] for f in fields]
        columns = [out[n].astype(object).where(out[n].notna(), None).tolist() for n in names]
        dumps = json.JSONEncoder(default=self._plain).encode
        with open(path, "w", encoding="utf-8") as f:
            for row in zip(*columns):
                f.write(dumps(dict(zip(names, row))) + "\n")
        return self._answer({"rows": len(out), "total": len(value), "fields": fields})

    @staticmethod
    def _plain(v):
        """What json cannot write itself: a numpy scalar as its Python value, anything else as text."""
        if hasattr(v, "item") and not isinstance(v, (str, bytes)):
            try:
                return v.item()
            except (TypeError, ValueError):
                pass
        return str(v)

    @staticmethod
    def _spark_type(col):
        import datetime
        import pandas.api.types as t
        if t.is_bool_dtype(col):
            return "boolean"
        if t.is_integer_dtype(col):
            return "long"
        if t.is_float_dtype(col):
            return "double"
        if t.is_datetime64_any_dtype(col):
            return "timestamp"
        sample = next((v for v in col if v is not None and v == v), None)
        if isinstance(sample, bool):
            return "boolean"
        if isinstance(sample, int):
            return "long"
        if isinstance(sample, float):
            return "double"
        if isinstance(sample, datetime.datetime):
            return "timestamp"
        if isinstance(sample, datetime.date):
            return "date"
        return "string"

    def _answer(self, result):
        import json
        print(self.RESULT + json.dumps(result))


import builtins  # noqa: E402
builtins._livy_kernel_local = _Transfer()

from ipykernel.kernelapp import launch_new_instance  # noqa: E402

launch_new_instance(argv=["-f", sys.argv[1], "--IPKernelApp.parent_handle=0"])
