"""Writes and removes livy-kernel's Jupyter kernelspecs: where they go, what their kernel.json
says, and the AppCDS archive each one starts from. The one implementation behind both
`./install` (from a source tree) and `livy-kernel install` (from the wheel)."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_NAME = "pyspark-livy"
DEFAULT_DISPLAY_NAME = "PySpark (Livy)"
RESOURCES = Path(__file__).with_name("resources")
LAUNCH = Path(__file__).with_name("launch")
LOGOS = ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg")
AWS_LIB = "aws-lib"
PROVISIONER = "livy-kernel-provisioner"
PROVISIONER_GROUP = "jupyter_client.kernel_provisioners"

# Serial GC and C1-only JIT with one compiler thread, a small heap floor and young generation:
# the kernel is I/O bound, so a fast start and a small footprint beat peak throughput
# (measured in bench/, see bench/results.md: -Xms8m -Xmn2m -XX:CICompilerCount=1 took the
# RSS after 40 cells from 75 to 70 MiB).
# -Xlog:cds…=off keeps a stale-archive warning off stdout (the JVM then just runs without it).
JVM_FLAGS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss512k",
             "-Xms8m", "-Xmn2m", "-Xmx512m", "-XX:-UsePerfData", "-Xshare:auto", "-Xlog:cds=off",
             "-Xlog:cds+dynamic=off"]

_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def jupyter_data_dir(location, prefix=None):
    """share/jupyter of the chosen location: 'user' (Jupyter's user data dir), 'sys-prefix', or 'prefix'."""
    if location == "prefix":
        return Path(prefix).resolve() / "share" / "jupyter"
    if location == "sys-prefix":
        return Path(sys.prefix) / "share" / "jupyter"
    try:
        from jupyter_core.paths import jupyter_data_dir as from_jupyter
        return Path(from_jupyter())
    except ImportError:
        # The wheel depends on nothing: without jupyter_core, its rule for the user data dir.
        if os.environ.get("JUPYTER_DATA_DIR"):
            return Path(os.environ["JUPYTER_DATA_DIR"])
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Jupyter"
        if os.name == "nt":
            return Path(os.environ.get("APPDATA", Path.home())) / "jupyter"
        return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "jupyter"


def check_name(name):
    if not _NAME.match(name):
        raise ValueError("the kernel name '%s' may hold only letters, digits, '.', '_' and '-'." % name)


def install(dest, java, display_name, env, jar=None, logos=None, provisioner=False):
    """Writes the kernelspec directory dest. jar/logos default to the ones in this package; a jar
    given from elsewhere (a build tree) is copied in, so rebuilding it leaves the kernel alone.
    With `provisioner`, the kernelspec names livy-kernel's provisioner (see provisioner_available)."""
    dest.mkdir(parents=True, exist_ok=True)
    if jar is None:
        jar = RESOURCES / "livy-kernel.jar"
    else:
        shutil.copyfile(jar, dest / "livy-kernel.jar")
        # The AWS SDK for the EMR log archive sits beside the jar, which loads it only for %%logs --s3.
        aws_lib = Path(jar).parent / AWS_LIB
        if aws_lib.is_dir():
            shutil.rmtree(dest / AWS_LIB, ignore_errors=True)
            shutil.copytree(aws_lib, dest / AWS_LIB)
        jar = dest / "livy-kernel.jar"
    for logo in LOGOS:
        shutil.copyfile(Path(logos or RESOURCES) / logo, dest / logo)
    launch = dest / "launch"
    shutil.copyfile(LAUNCH, launch)
    launch.chmod(0o755)
    argv = [str(launch), java, *JVM_FLAGS, "-jar", str(Path(jar).resolve()), "{connection_file}"]
    jsa = dest / "livy-kernel.jsa"
    if make_appcds(argv, jsa):
        argv[-3:-3] = ["-XX:SharedArchiveFile=" + str(jsa)]
    spec = {"argv": argv, "display_name": display_name, "language": "python",
            "interrupt_mode": "message", "env": dict(env),
            "metadata": {"livy_kernel": {"session_kind": "pyspark"}}}
    if provisioner:
        spec["metadata"]["kernel_provisioner"] = {"provisioner_name": PROVISIONER}
    (dest / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    return spec


def provisioner_available(dest):
    """True when a kernelspec at dest can name livy-kernel's provisioner (provisioner.py): this
    interpreter has jupyter_client and the provisioner's entry point (the wheel is installed here),
    and dest is this environment's own share/jupyter, which other environments' Jupyter do not
    read. A user-wide kernelspec does without it: jupyter_client hides a kernelspec whose
    provisioner it cannot load, and a Jupyter elsewhere would lose the kernel."""
    try:
        Path(dest).resolve().relative_to(Path(sys.prefix).resolve() / "share" / "jupyter")
    except ValueError:
        return False
    try:
        from importlib.metadata import entry_points
        import jupyter_client.provisioning  # noqa: F401
    except ImportError:
        return False
    found = entry_points()
    group = (found.select(group=PROVISIONER_GROUP) if hasattr(found, "select")
             else found.get(PROVISIONER_GROUP, []))
    return any(e.name == PROVISIONER for e in group)


def uninstall(dest):
    """True when there was a kernelspec at dest to remove."""
    if not (dest / "kernel.json").is_file():
        return False
    shutil.rmtree(dest)
    return True


def make_appcds(argv, jsa):
    """Archives the classes the kernel loads up to its first kernel_info reply (Jackson, JeroMQ,
    ours) by running it once with -XX:ArchiveClassesAtExit, so every kernel starts from that
    archive: ready time -0.2 s on 2 cores (bench/results.md). The training run is asked what a
    client asks first (a ZeroMQ handshake, kernel_info on shell, an iopub subscription), then one
    cell on a Livy of the standard library's that answers at once (_TrainingLivy), so the classes
    of that path (HTTP, the Livy models, the session and statement code) come from the archive too:
    a first cell costs a kernel a third less CPU, which counts when many notebooks start together.
    The archive is tied to this copy of the jar, so it is made again on every install; if it
    cannot be written the kernel starts without it."""
    if jsa.exists():
        jsa.unlink()
    socks = [socket.socket() for _ in range(5)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    key = b"appcds"
    with tempfile.TemporaryDirectory() as tmp:
        conn = Path(tmp) / "connection.json"
        conn.write_text(json.dumps({
            "shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2], "control_port": ports[3],
            "hb_port": ports[4], "ip": "127.0.0.1", "key": key.decode(), "transport": "tcp",
            "signature_scheme": "hmac-sha256"}))
        cmd = argv[:-3] + ["-XX:ArchiveClassesAtExit=" + str(jsa)] + argv[-3:-1] + [str(conn)]
        # Our own Livy on loopback: the run must not reach a real cluster or start local Spark.
        # Neither the user's settings nor sparkmagic's config.json: their auth would not reach it.
        livy = _TrainingLivy()
        (Path(tmp) / "empty.json").write_text("{}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIVY_")}
        env.update(LIVY_URL=livy.url, LIVY_KERNEL_CONFIG=str(Path(tmp) / "empty.json"),
                   SPARKMAGIC_CONF_DIR=str(Path(tmp)))
        try:
            p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 30
            # Shell first, then iopub: the kernel binds them one after the other.
            for port in ports[:2]:
                while time.time() < deadline and p.poll() is None and not accepts("127.0.0.1", port):
                    time.sleep(0.01)
            try:
                _ask_kernel_info("127.0.0.1", ports[0], ports[1], key)
            except (OSError, ValueError) as e:
                print("livy-kernel: the AppCDS training run got no kernel_info reply (%s); the archive "
                      "holds only the start-up's classes" % e, file=sys.stderr)
                time.sleep(1)
            else:
                try:
                    _run_cell("127.0.0.1", ports[0], key, "1 + 1")
                except (OSError, ValueError) as e:
                    # Only the first cell's classes are missing from the archive: it still helps.
                    print("livy-kernel: the AppCDS training cell did not run (%s); the archive holds the "
                          "start-up's classes" % e, file=sys.stderr)
            p.send_signal(signal.SIGTERM)
            p.wait(60)
        except (OSError, subprocess.TimeoutExpired) as e:
            print("livy-kernel: no AppCDS archive (%s); the kernel starts without it" % e, file=sys.stderr)
        finally:
            livy.close()
    return jsa.exists()


class _TrainingLivy:
    """A Livy for the AppCDS training run: one pyspark session, idle at once, and statements that
    are available as soon as they are posted, in the shape of Apache Livy's answers."""

    def __init__(self):
        import http.server
        import threading
        statements = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(n) or b"{}") if n else {}

            def _session(self):
                return {"id": 0, "name": None, "appId": None, "owner": None, "proxyUser": None, "state": "idle",
                        "kind": "pyspark", "appInfo": {"driverLogUrl": None, "sparkUiUrl": None}, "log": []}

            def _statement(self, n):
                return {"id": n, "code": statements[n], "state": "available", "progress": 1.0,
                        "output": {"status": "ok", "execution_count": n, "data": {"text/plain": "2"}}}

            def do_POST(self):
                body = self._body()
                if self.path == "/sessions":
                    s = self._session()
                    s["name"] = body.get("name")
                    self._send(201, s)
                elif re.fullmatch(r"/sessions/0/statements", self.path):
                    statements.append(body.get("code", ""))
                    self._send(201, self._statement(len(statements) - 1))
                else:
                    self._send(404, {"msg": "not found"})

            def do_GET(self):
                m = re.fullmatch(r"/sessions/0/statements/(\d+)(\?.*)?", self.path)
                if self.path.split("?")[0] == "/sessions/0":
                    self._send(200, self._session())
                elif m and int(m.group(1)) < len(statements):
                    self._send(200, self._statement(int(m.group(1))))
                elif self.path.startswith("/sessions/0/log"):
                    self._send(200, {"id": 0, "from": 0, "total": 0, "log": []})
                elif self.path.split("?")[0] == "/sessions":
                    self._send(200, {"from": 0, "total": 1, "sessions": [self._session()]})
                else:
                    self._send(404, {"msg": "not found"})

            def do_DELETE(self):
                self._send(200, {"msg": "deleted"})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def accepts(host, port):
    """True when something listens on host:port (a TCP connection, closed at once)."""
    try:
        socket.create_connection((host, port), timeout=0.5).close()
        return True
    except OSError:
        return False


# A ZMTP 3.0 client of the standard library (the wheel depends on nothing), just enough for the
# AppCDS training run: NULL security, short and long frames, one request and its reply.
def _zmtp_connect(host, port, socket_type):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b"\xff" + b"\0" * 8 + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\0") + b"\0" + b"\0" * 31)
    greeting = _recv_exact(s, 64)
    if greeting[0:1] != b"\xff" or greeting[9:10] != b"\x7f":
        raise ValueError("not a ZMTP peer")
    ready = b"\x05READY" + b"\x0bSocket-Type" + len(socket_type).to_bytes(4, "big") + socket_type
    s.sendall(b"\x04" + bytes([len(ready)]) + ready)
    _recv_frame(s)  # the peer's READY
    return s


def _recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ValueError("the kernel closed the connection")
        data += chunk
    return data


def _recv_frame(s):
    flags = _recv_exact(s, 1)[0]
    size = int.from_bytes(_recv_exact(s, 8 if flags & 0x02 else 1), "big")
    return flags, _recv_exact(s, size)


def _send_message(s, frames):
    out = b""
    for i, frame in enumerate(frames):
        more = 0x01 if i < len(frames) - 1 else 0
        if len(frame) > 255:
            out += bytes([more | 0x02]) + len(frame).to_bytes(8, "big") + frame
        else:
            out += bytes([more, len(frame)]) + frame
    s.sendall(out)


def _recv_message(s):
    frames = []
    while True:
        flags, body = _recv_frame(s)
        if flags & 0x04:
            continue  # a command (PING), not part of a message
        frames.append(body)
        if not flags & 0x01:
            return frames


def _request(shell, key, msg_type, content):
    import hashlib
    import hmac
    import uuid
    header = json.dumps({"msg_id": uuid.uuid4().hex, "session": uuid.uuid4().hex, "username": "appcds",
                         "date": "2020-01-01T00:00:00.000000Z", "msg_type": msg_type,
                         "version": "5.3"}).encode()
    parts = [header, b"{}", b"{}", json.dumps(content).encode()]
    signature = hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode()
    _send_message(shell, [b"<IDS|MSG>", signature, *parts])
    reply = _recv_message(shell)
    return reply[reply.index(b"<IDS|MSG>") + 2:]


def _run_cell(host, shell_port, key, code):
    shell = _zmtp_connect(host, shell_port, b"DEALER")
    shell.settimeout(30)
    try:
        header, _, _, content = _request(shell, key, "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})[:4]
        if b"execute_reply" not in header or json.loads(content).get("status") != "ok":
            raise ValueError("the cell's reply was %s" % content[:200])
    finally:
        shell.close()


def _ask_kernel_info(host, shell_port, iopub_port, key):
    iopub = _zmtp_connect(host, iopub_port, b"SUB")
    shell = _zmtp_connect(host, shell_port, b"DEALER")
    try:
        _send_message(iopub, [b"\x01"])  # subscribe to every topic (ZMTP 3.0)
        if b"kernel_info_reply" not in _request(shell, key, "kernel_info_request", {})[0]:
            raise ValueError("no kernel_info_reply")
        _recv_message(iopub)  # the welcome, or the request's status
    finally:
        shell.close()
        iopub.close()
