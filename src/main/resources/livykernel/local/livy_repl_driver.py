"""REPL driver of livy-kernel's embedded Livy-compatible endpoint.

One process per session. The Java server writes JSON requests, one per line, on our stdin and
reads JSON events, one per line, from our original stdout. Everything else this process or its
children print (user code outside statements, Spark's log4j output) goes to stderr, which the
server keeps as the session log.

Requests:  {"op":"init","id":N,"appName":..,"conf":{..}}  {"op":"execute","id":S,"code":..,"kind":..}
           {"op":"cancel","id":S}  {"op":"complete","rid":R,"code":..,"cursor":C}  {"op":"shutdown"}
           {"op":"detach","token":T,"lease":SECONDS}
Events:    {"type":"ready",..}  {"type":"fatal","message":..}  {"type":"progress","id":S,"progress":P}
           {"type":"result","id":S,"output":{..},"interrupted":bool}  {"type":"completion","rid":R,"candidates":[..]}
           {"type":"detached","port":P}  {"type":"adopted","pid":N}  {"type":"log","line":..}

A warm spare (started ahead of need, no statement run yet) can be asked to "detach": it then
outlives the server, listening on a loopback port for a server that sends the token as its first
line, and exits by itself when the lease ends first. Once adopted, requests and events (and our
log lines, as "log" events) travel on that connection; its end ends us, as stdin's EOF did.
"""

import ast
import base64
import datetime
import decimal
import hmac
import io
import json
import os
import queue
import signal
import socket
import sys
import threading
import time
import traceback

# The protocol channel is a private copy of fd 1; fd 1 itself now points at stderr so that stray
# writes (and the Spark JVM we launch, which inherits fd 1) end up in the session log.
_PROTO = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="replace")
sys.__stdout__ = sys.stdout
# Requests arrive on a private copy of fd 0; user code sees an empty stdin, so that exit() (which
# closes sys.stdin) or input() cannot cut us off from the server.
_REQUESTS = os.fdopen(os.dup(0), "r", encoding="utf-8")
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.close(_devnull)
sys.stdin = os.fdopen(0, "r", encoding="utf-8")
sys.__stdin__ = sys.stdin
_PROTO_LOCK = threading.Lock()
# Where events go: the server's pipe, then (for an adopted spare) its socket; None while a
# detached spare waits, when only "ready" is remembered to be told to whoever adopts it.
_OUT = [_PROTO]
_READY = [None]

PYSPARK_REQUIREMENT = "pyspark==3.5.3"
MAX_SQL_ROWS = 1000


# The endpoint passes at most this much printed text of one statement on, note included (Livy
# has no such cap). The default is the kernel's own max_output_bytes default, so the kernel has
# nothing left to cut; it also keeps a result line a size the endpoint, which shares the kernel's
# JVM and heap when embedded, takes in stride.
MAX_OUTPUT_CHARS = int(os.environ.get("LIVY_KERNEL_ENDPOINT_MAX_OUTPUT", 10 * 1024 * 1024))


def capped(text):
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    note = ("\n[The output was cut: the first %.1f MB of its %.1f MB are shown (the embedded endpoint's "
            "LIVY_KERNEL_ENDPOINT_MAX_OUTPUT).]\n" % (MAX_OUTPUT_CHARS / 1048576.0, len(text) / 1048576.0))
    return text[:max(0, MAX_OUTPUT_CHARS - len(note))] + note


def send(event):
    line = json.dumps(event, default=_json_default)
    with _PROTO_LOCK:
        if event.get("type") == "ready":
            _READY[0] = line
        out = _OUT[0]
        if out is None:
            return
        try:
            out.write(line + "\n")
            out.flush()
        except (OSError, ValueError):
            pass  # the server is gone: our request reader sees that and ends us


def log(msg):
    sys.stderr.write("livy-repl-driver: %s\n" % msg)
    sys.stderr.flush()


def _json_default(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (set, frozenset)):
        return list(value)
    if hasattr(value, "asDict"):
        return value.asDict(recursive=True)
    return str(value)


def unreachable_master(master):
    """Why a standalone master cannot be reached, or None. Spark itself would start the session
    and only give up on the master a minute later, leaving a session whose every job fails."""
    if not master.startswith("spark://"):
        return None
    errors = []
    for address in master[len("spark://"):].split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            socket.create_connection((host or address, int(port or 7077)), timeout=5).close()
            return None
        except (OSError, ValueError) as e:
            errors.append("%s: %s" % (address, e))
    return ("no Spark master answers at %s (%s). Start one (scripts/spark-standalone start) or set "
            "spark.master to a running master, or to local[*]." % (master, "; ".join(errors)))

class Driver:
    def __init__(self):
        self.requests = queue.Queue()
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        self.sc = None
        self.lock = threading.Lock()
        self.current = None  # statement id running on the main thread
        self.last_started = -1  # the newest statement id the main thread has taken up
        self.cancel_requested = set()
        self.main_ident = threading.main_thread().ident
        # True only while user code runs: a cancel's SIGINT may then raise KeyboardInterrupt.
        self.interruptible = False
        # A spare left for the next server: the end of stdin and a new parent no longer end us.
        self.detached = False

    # ---- threads that watch the outside world -------------------------------------------------

    def read_requests(self, source=None):
        """Reader thread: requests come from stdin (or an adopter's socket); EOF means the server
        is gone, so we exit, unless that server handed us on (detach)."""
        for line in source if source is not None else _REQUESTS:
            try:
                req = json.loads(line)
            except ValueError:
                log("ignoring malformed request line")
                continue
            op = req.get("op")
            if op == "cancel":
                threading.Thread(target=self.cancel, args=(req["id"],), daemon=True).start()
            elif op == "complete":
                threading.Thread(target=self.complete, args=(req,), daemon=True).start()
            elif op == "shutdown":
                self.shutdown()
            elif op == "detach":
                self.detach(req)
            else:
                self.requests.put(req)
        if source is None and self.detached:
            return
        # The server died or closed our stdin: leave at once. Our Spark JVM watches its own stdin
        # (which we hold) and exits when we do, so nothing is left behind.
        os._exit(0)

    def watch_parent(self):
        parent = os.getppid()
        while True:
            time.sleep(1.0)
            if os.getppid() != parent and not self.detached:
                os._exit(0)

    # ---- a warm spare handed from one server to the next ---------------------------------------

    def detach(self, req):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        deadline = time.time() + float(req.get("lease", 90))
        self.detached = True
        send({"type": "detached", "port": listener.getsockname()[1]})
        with _PROTO_LOCK:
            _OUT[0] = None
        # The old server's stderr pipe is about to break; our own writes must not fail meanwhile.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
        threading.Thread(target=self.await_adopter, args=(listener, req["token"].encode("ascii"), deadline),
                         name="adopter", daemon=True).start()

    def await_adopter(self, listener, token, deadline):
        while True:
            left = deadline - time.time()
            if left <= 0:
                os._exit(0)  # lease over: our Spark JVM follows when its stdin (ours) closes
            listener.settimeout(left)
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                os._exit(0)
            except OSError:
                continue
            rfile = None
            try:
                conn.settimeout(5.0)
                rfile = conn.makefile("rb")
                given = rfile.readline(256).strip()
            except OSError:
                given = b""
            if not hmac.compare_digest(given, token):
                # The file object holds the socket open: both must go for the caller to see the end.
                if rfile is not None:
                    rfile.close()
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()
                continue
            conn.settimeout(None)
            listener.close()
            self.adopted(conn, rfile)
            return

    def adopted(self, conn, rfile):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        r, w = os.pipe()
        os.dup2(w, 1)
        os.dup2(w, 2)
        os.close(w)
        threading.Thread(target=self.forward_log, args=(r,), name="log", daemon=True).start()
        out = conn.makefile("w", encoding="utf-8", buffering=1)
        with _PROTO_LOCK:
            out.write(json.dumps({"type": "adopted", "pid": os.getpid()}) + "\n")
            if _READY[0] is not None:
                out.write(_READY[0] + "\n")
            out.flush()
            _OUT[0] = out
        self.read_requests(io.TextIOWrapper(rfile, encoding="utf-8"))

    def forward_log(self, fd):
        with os.fdopen(fd, "r", encoding="utf-8", errors="replace") as lines:
            for line in lines:
                send({"type": "log", "line": line.rstrip("\n")})

    def shutdown(self):
        def stop():
            try:
                if self.sc is not None:
                    self.sc.stop()
            finally:
                os._exit(0)

        threading.Thread(target=stop, daemon=True).start()
        time.sleep(3.0)
        os._exit(0)

    # ---- start-up -----------------------------------------------------------------------------

    def init(self, req):
        try:
            import pyspark  # noqa: F401
        except ImportError as e:
            message = (
                "pyspark cannot be imported by %s (%s). Install it with: %s -m pip install %s "
                "(or point LIVY_KERNEL_PYTHON / PYSPARK_PYTHON at a Python that has it)"
                % (sys.executable, e, sys.executable, PYSPARK_REQUIREMENT)
            )
            log(message)
            send({"type": "fatal", "message": message})
            sys.stderr.flush()
            os._exit(3)
        from pyspark.sql import SparkSession, SQLContext

        conf = dict(req.get("conf") or {})
        builder = SparkSession.builder.appName(req.get("appName") or "livy-session")
        conf.setdefault("spark.master", "local[*]")
        conf.setdefault("spark.ui.showConsoleProgress", "false")
        conf.setdefault("spark.driver.host", "127.0.0.1")
        conf.setdefault("spark.driver.bindAddress", "127.0.0.1")
        for key, value in conf.items():
            builder = builder.config(key, str(value))
        unreachable = unreachable_master(conf["spark.master"])
        if unreachable:
            log(unreachable)
            send({"type": "fatal", "message": unreachable})
            sys.stderr.flush()
            os._exit(4)
        try:
            spark = builder.getOrCreate()
        except Exception as e:
            message = "could not start Spark: %s: %s" % (type(e).__name__, e)
            log(message)
            send({"type": "fatal", "message": message})
            os._exit(4)
        sc = spark.sparkContext
        self.sc = sc
        # PySpark installs a SIGINT handler that calls back into the JVM; ours only raises, and
        # only inside user code (see on_sigint and cancel()).
        signal.signal(signal.SIGINT, self.on_sigint)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sql_context = SQLContext(sc, spark)
        self.namespace.update({"spark": spark, "sc": sc, "sqlContext": sql_context})
        send({
            "type": "ready",
            "appId": sc.applicationId,
            "sparkUiUrl": sc.uiWebUrl,
            "sparkVersion": sc.version,
            "python": sys.executable,
        })

    # ---- statements ---------------------------------------------------------------------------

    def main_loop(self):
        while True:
            try:
                req = self.requests.get()
                if req.get("op") == "init":
                    self.init(req)
                elif req.get("op") == "execute":
                    self.execute(req)
            except KeyboardInterrupt:
                # A cancel signal that arrived just after its statement ended: nothing to stop.
                continue

    def on_sigint(self, signum, frame):
        # A late signal must not break our own bookkeeping (sending the result): it raises only
        # while user code runs and never in this file's frames, where `interruptible` is cleared.
        if self.interruptible and (frame is None or frame.f_code.co_filename != _DRIVER_FILE):
            raise KeyboardInterrupt

    def execute(self, req):
        sid = req["id"]
        with self.lock:
            self.current = sid
            self.last_started = max(self.last_started, sid)
            cancelled_before = sid in self.cancel_requested
        output = None
        interrupted = False
        monitor_stop = threading.Event()
        threading.Thread(target=self.monitor_progress, args=(sid, monitor_stop), daemon=True).start()
        try:
            if cancelled_before:
                # Its cancel came while it was on its way here (the server counts it running once sent).
                raise KeyboardInterrupt
            self.sc.setJobGroup(str(sid), "Job group for statement %s" % sid, True)
            if req.get("kind") == "sql":
                output = self.run_sql(req["code"])
            else:
                output = self.run_python(req["code"], sid)
        except KeyboardInterrupt:
            output = error_output(*sys.exc_info())
        finally:
            with self.lock:
                self.current = None
                interrupted = sid in self.cancel_requested
                self.cancel_requested.discard(sid)
            monitor_stop.set()
        output["execution_count"] = sid
        send({"type": "result", "id": sid, "output": output, "interrupted": interrupted})

    def run_python(self, code, sid):
        out, err = io.StringIO(), io.StringIO()
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            try:
                self.interruptible = True
                data = self.run_cell(code)
            finally:
                self.interruptible = False
                sys.stdout, sys.stderr = saved
        except BaseException:  # noqa: B902 - SystemExit and KeyboardInterrupt are statement errors too
            self.interruptible = False
            etype, value, tb = sys.exc_info()
            partial = (out.getvalue() + err.getvalue()).rstrip()
            if partial:
                # Livy drops what a failed statement printed; we keep it in the session log.
                log("output of failed statement %s:\n%s" % (sid, partial))
            return error_output(etype, value, tb)
        text = capped(out.getvalue() + err.getvalue())
        if data is None:
            return {"status": "ok", "data": {"text/plain": text.rstrip()}}
        if text.strip() or "text/plain" in data:
            data["text/plain"] = (data.get("text/plain", "") + text).rstrip()
        return {"status": "ok", "data": data}

    def run_cell(self, code):
        """Runs a cell; returns None for plain Python, or the mime bundle of a trailing magic."""
        try:
            tree = ast.parse(code, "<stdin>", "exec")
        except SyntaxError:
            if not any(line.startswith("%") for line in code.split("\n")):
                raise
            return self.run_with_magics(code)
        self.run_tree(tree)
        return None

    def run_tree(self, tree):
        if not tree.body:
            return
        *head, last = tree.body
        if head:
            module = ast.Module(body=head, type_ignores=[])
            exec(compile(module, "<stdin>", "exec"), self.namespace)
        exec(compile(ast.Interactive(body=[last]), "<stdin>", "single"), self.namespace)

    def run_with_magics(self, code):
        # Like Livy: magic lines and runs of Python lines are chunks; the last chunk's result wins.
        chunks, python_lines = [], []
        for line in code.split("\n"):
            if line.startswith("%"):
                if python_lines:
                    chunks.append(("python", "\n".join(python_lines)))
                    python_lines = []
                chunks.append(("magic", line))
            else:
                python_lines.append(line)
        if python_lines:
            chunks.append(("python", "\n".join(python_lines)))
        result = None
        for kind, chunk in chunks:
            if kind == "python":
                self.run_tree(ast.parse(chunk, "<stdin>", "exec"))
                result = None
            else:
                result = self.run_magic(chunk)
        return result

    def run_magic(self, line):
        parts = line[1:].split(None, 1)
        name = parts[0] if parts else ""
        arg = parts[1].strip() if len(parts) > 1 else ""
        if name == "json":
            return {"application/json": json.loads(json.dumps(self.lookup(arg), default=_json_default))}
        if name == "table":
            return {"application/vnd.livy.table.v1+json": to_table(self.lookup(arg))}
        if name == "matplot":
            fig_source = self.lookup(arg)
            buf = io.BytesIO()
            figure = fig_source.gcf() if hasattr(fig_source, "gcf") else fig_source
            figure.savefig(buf, format="png")
            buf.seek(0)
            return {"image/png": base64.b64encode(buf.getvalue()).decode("ascii")}
        raise UnknownMagic("unknown magic command '%s'" % name)

    def lookup(self, name):
        if name not in self.namespace:
            raise KeyError(name)
        return self.namespace[name]

    def run_sql(self, code):
        try:
            self.interruptible = True
            df = self.namespace["spark"].sql(code)
            schema = json.loads(df.schema.json())
            rows = [list(row) for row in df.take(MAX_SQL_ROWS)]
            self.interruptible = False
            data = json.loads(json.dumps(rows, default=_json_default))
            return {"status": "ok", "data": {"application/json": {"schema": schema, "data": data}}}
        except BaseException:  # noqa: B902
            self.interruptible = False
            return error_output(*sys.exc_info())

    # ---- progress, cancel, completion (run on helper threads) ---------------------------------

    def monitor_progress(self, sid, stop):
        last = None
        while not stop.wait(0.25):
            try:
                tracker = self.sc.statusTracker()
                total = completed = 0
                for job_id in tracker.getJobIdsForGroup(str(sid)):
                    job = tracker.getJobInfo(job_id)
                    if job is None:
                        continue
                    for stage_id in job.stageIds:
                        stage = tracker.getStageInfo(stage_id)
                        if stage is not None:
                            total += stage.numTasks
                            completed += stage.numCompletedTasks
                progress = (completed / total) if total else 0.0
            except Exception:
                continue
            if progress != last and not stop.is_set():
                last = progress
                send({"type": "progress", "id": sid, "progress": progress})

    def cancel(self, sid):
        """Cancels Spark jobs of the statement's group, and interrupts plain Python code."""
        with self.lock:
            if self.current != sid:
                if sid > self.last_started:
                    # Sent to us but not taken up yet: it is cancelled when it comes up.
                    self.cancel_requested.add(sid)
                return
            self.cancel_requested.add(sid)
        deadline = time.time() + 30.0
        while time.time() < deadline:
            with self.lock:
                if self.current != sid:
                    return
            try:
                self.sc.cancelJobGroup(str(sid))
            except Exception as e:
                log("cancelJobGroup(%s) failed: %s" % (sid, e))
            # Interrupting the main thread while it waits for a py4j answer would leave that
            # answer unread on the connection; the job cancel above ends such calls instead.
            if self.interruptible and not self.main_thread_in_py4j():
                with self.lock:
                    if self.current == sid:
                        signal.pthread_kill(self.main_ident, signal.SIGINT)
            time.sleep(0.1)

    def main_thread_in_py4j(self):
        frame = sys._current_frames().get(self.main_ident)
        depth = 0
        while frame is not None and depth < 8:
            filename = frame.f_code.co_filename
            if "py4j" in filename or os.path.join("pyspark", "") in filename:
                return True
            frame = frame.f_back
            depth += 1
        return False

    def complete(self, req):
        candidates = []
        try:
            import rlcompleter

            code = req.get("code") or ""
            cursor = req.get("cursor")
            if cursor is None or cursor < 0 or cursor > len(code):
                cursor = len(code)
            prefix = code[:cursor]
            token = ""
            for ch in reversed(prefix):
                if ch.isalnum() or ch in "._":
                    token = ch + token
                else:
                    break
            if token:
                completer = rlcompleter.Completer(self.namespace)
                i = 0
                while i < 200:
                    c = completer.complete(token, i)
                    if c is None:
                        break
                    c = c.rstrip("(")
                    if c not in candidates:
                        candidates.append(c)
                    i += 1
        except Exception as e:
            log("completion failed: %s" % e)
        send({"type": "completion", "rid": req.get("rid"), "candidates": candidates})


_DRIVER_FILE = Driver.execute.__code__.co_filename


class UnknownMagic(Exception):
    pass


def error_output(etype, value, tb):
    """Livy's error shape: frames up to and including the cell's <module> frame are dropped."""
    while tb is not None:
        code = tb.tb_frame.f_code
        tb = tb.tb_next
        if code.co_filename == "<stdin>" and code.co_name == "<module>":
            break
    if issubclass(etype, SyntaxError):
        lines = traceback.format_exception_only(etype, value)
    else:
        lines = ["Traceback (most recent call last):\n"]
        # Our own frames (the SIGINT handler that raised a cancel) mean nothing to the user.
        frames = [f for f in traceback.extract_tb(tb) if f.filename != _DRIVER_FILE] if tb is not None else []
        lines += traceback.format_list(frames)
        lines += traceback.format_exception_only(etype, value)
    return {"status": "error", "ename": etype.__name__, "evalue": str(value), "traceback": lines}


_TABLE_TYPES = [
    (type(None), "NULL_TYPE"),
    (bool, "BOOLEAN_TYPE"),
    (int, "INT_TYPE"),
    (float, "DOUBLE_TYPE"),
    (str, "STRING_TYPE"),
    (datetime.datetime, "TIMESTAMP_TYPE"),
    (datetime.date, "DATE_TYPE"),
    (decimal.Decimal, "DECIMAL_TYPE"),
    ((list, tuple), "ARRAY_TYPE"),
    (dict, "MAP_TYPE"),
]


def _table_type(value):
    for types, name in _TABLE_TYPES:
        if isinstance(value, types) and not (name == "INT_TYPE" and isinstance(value, bool)):
            return name
    raise ValueError("cannot show a value of type %s in a table" % type(value).__name__)


def to_table(rows):
    """The %table magic: rows (Row, dict, list/tuple or scalar) → Livy's table JSON."""
    if not isinstance(rows, (list, tuple)):
        raise ValueError("%table needs a list or tuple of rows")
    names = None
    records = []
    for row in rows:
        if hasattr(row, "asDict"):
            record = row.asDict()
        elif isinstance(row, dict):
            record = {k: row[k] for k in sorted(row)}
        elif isinstance(row, (list, tuple)):
            record = {str(i): v for i, v in enumerate(row)}
        else:
            record = {"0": row}
        if names is None:
            names = list(record.keys())
        for key in record:
            if key not in names:
                names.append(key)
        records.append(record)
    names = names or []
    types = {}
    for record in records:
        for name in names:
            t = _table_type(record.get(name))
            if t == "NULL_TYPE":
                continue
            if types.get(name, t) != t:
                raise ValueError("column %s has mixed types (%s, %s)" % (name, types[name], t))
            types[name] = t
    headers = [{"name": n, "type": types.get(n, "NULL_TYPE")} for n in names]
    data = [[record.get(n) for n in names] for record in records]
    return json.loads(json.dumps({"headers": headers, "data": data}, default=_json_default))


def main():
    # Our own session and process group: an interrupt sent to the server's (or the kernel's)
    # process group must not reach Python and Spark behind the server's back.
    try:
        os.setsid()
    except OSError:
        pass
    driver = Driver()
    threading.Thread(target=driver.read_requests, name="requests", daemon=True).start()
    threading.Thread(target=driver.watch_parent, name="parent", daemon=True).start()
    driver.main_loop()


if __name__ == "__main__":
    main()
