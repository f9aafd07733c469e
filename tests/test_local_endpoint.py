"""End-to-end tests of the embedded Livy-compatible endpoint (`java -jar livy-kernel.jar local-livy`).

Each test talks REST to a standalone server started from the jar (env LIVY_KERNEL_JAR), with real
PySpark in local mode. Spark sessions are slow to start, so the module shares one session and only
the tests about lifetime (idle timeout, heartbeat, SIGKILL) start their own.
"""
import base64
import shutil
import signal
import subprocess
import time

import psutil
import pytest
import requests

from livy_helpers import LocalLivy


@pytest.fixture(scope="session", autouse=True)
def kernelspec():
    """These tests need no kernelspec: override the shared autouse fixture with a no-op."""
    return None


def text_of(st):
    assert st["output"]["status"] == "ok", st["output"]
    return st["output"]["data"]["text/plain"]


@pytest.fixture(scope="module")
def livy():
    ep = LocalLivy("--heartbeat-interval", "1s")
    yield ep
    ep.stop()


@pytest.fixture(scope="module")
def session(livy):
    s = livy.create(name="shared-session", conf={"spark.sql.shuffle.partitions": "4"})
    assert s["state"] == "starting"
    livy.wait_state(s["id"], {"idle"})
    return s["id"]


# ---- protocol: auth, version, bad requests, unknown ids ---------------------------------------

def test_requests_without_credentials_get_401(livy):
    r = requests.get(livy.url + "/sessions", timeout=10)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    r = requests.get(livy.url + "/sessions", auth=("livy", "wrong"), timeout=10)
    assert r.status_code == 401
    assert livy.get("/sessions").status_code == 200


def test_no_auth_mode_and_version():
    ep = LocalLivy("--no-auth")
    try:
        assert ep.info["password"] is None
        r = requests.get(ep.url + "/version", timeout=10)
        assert r.status_code == 200
        assert set(r.json()) >= {"version", "user", "revision", "branch", "date", "url"}
        assert r.headers["Content-Type"].startswith("application/json")
        assert requests.get(ep.url + "/sessions", timeout=10).json() == {"from": 0, "total": 0, "sessions": []}
    finally:
        ep.stop()
    assert ep.proc.returncode in (0, 143)  # 143: the JVM's exit status after SIGTERM and its shutdown hooks


def test_bad_session_bodies_are_400(livy):
    r = livy.post("/sessions", {"kind": "pyspark", "foo": 1})
    assert r.status_code == 400 and isinstance(r.json(), str) and 'Unrecognized field "foo"' in r.json()
    r = livy.http.post(livy.url + "/sessions", data="{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "Unexpected character" in r.json()
    r = livy.post("/sessions", {"kind": "foo"})
    assert r.status_code == 400 and r.json() == "Invalid kind: foo"
    r = livy.post("/sessions", {"kind": "pyspark", "name": "123"})
    assert r.status_code == 400 and r.json() == {"msg": "Rejected, Reason: Invalid session name: 123"}
    r = livy.post("/sessions", {"kind": "pyspark", "ttl": "bogus"})
    assert r.status_code == 400 and r.json() == {"msg": "Rejected, Reason: Invalid time string: bogus"}
    r = livy.post("/sessions", {"kind": "pyspark", "conf": {"spark.submit.deployMode": "cluster"}})
    assert r.status_code == 400 and "Blacklisted" in r.json()["msg"]


def test_unknown_ids_are_404(livy, session):
    for method, path in [("GET", "/sessions/999"), ("GET", "/sessions/999/state"), ("GET", "/sessions/999/log"),
                         ("DELETE", "/sessions/999"), ("POST", "/sessions/999/statements"),
                         ("GET", "/sessions/no-such-name")]:
        r = livy.http.request(method, livy.url + path, json={"code": "1"}, timeout=10)
        assert r.status_code == 404, (method, path)
        assert r.json() == {"msg": "Session '%s' not found." % path.split("/")[2]}
    r = livy.get("/sessions/%s/statements/12345" % session)
    assert r.status_code == 404 and r.json() == "Statement not found"
    r = livy.get("/sessions/%s/statements/abc" % session)
    assert r.status_code == 400 and r.json() == {"msg": 'For input string: "abc"'}
    r = livy.post("/sessions/%s/statements" % session, {"code": "1", "kode": "x"})
    assert r.status_code == 400 and 'Unrecognized field "kode"' in r.json()
    r = livy.post("/sessions/%s/statements" % session, {"code": "1", "kind": "spark"})
    assert r.status_code == 500 and "IllegalArgumentException" in r.json()
    assert livy.http.put(livy.url + "/sessions/%s" % session, timeout=10).status_code == 405


def test_heartbeat_reaps_and_statement_while_starting_is_500(livy):
    created = time.time()
    s = livy.create(heartbeatTimeoutInSecond=2)
    r = livy.post("/sessions/%s/statements" % s["id"], {"code": "1"})
    assert r.status_code == 500
    assert r.json() == "java.lang.IllegalStateException: Session is in state starting"
    gone = livy.wait_gone(s["id"], timeout=60)  # never polled: deadline 2 s, watchdog every 1 s
    assert gone - created >= 1.5
    assert livy.get("/sessions/%s" % s["id"]).status_code == 404


# ---- the shared session: shapes, outputs, errors ------------------------------------------------

def test_session_shape_list_lookup_and_connect(livy, session):
    s = livy.get("/sessions/%s" % session).json()
    for key in ["id", "name", "appId", "owner", "proxyUser", "state", "kind", "appInfo", "log", "ttl", "driverMemory",
                "driverCores", "executorMemory", "executorCores", "conf", "archives", "files",
                "heartbeatTimeoutInSecond", "jars", "numExecutors", "pyFiles", "queue"]:
        assert key in s
    assert s["kind"] == "pyspark" and s["name"] == "shared-session" and s["owner"] == "livy"
    assert s["appId"].startswith("local-")
    ui = s["appInfo"]["sparkUiUrl"]
    assert ui.startswith("http://127.0.0.1:")
    apps = requests.get(ui + "/api/v1/applications", timeout=10).json()
    assert apps[0]["id"] == s["appId"]
    assert livy.get("/sessions/shared-session").json()["id"] == session
    assert livy.get("/sessions/shared-session/state").json() == {"id": session, "state": "idle"}
    listing = livy.get("/sessions?from=0&size=100").json()
    assert listing["total"] >= 1 and any(x["id"] == session for x in listing["sessions"])
    assert livy.get("/sessions?from=0&size=0").json()["sessions"] == []
    r = livy.post("/sessions/%s/connect" % session)
    assert r.status_code == 200 and r.json()["id"] == session
    dup = livy.post("/sessions", {"kind": "pyspark", "name": "shared-session"})
    assert dup.status_code == 400 and "Duplicate session name" in dup.json()["msg"]


def test_text_output_order_and_expression_echo(livy, session):
    st = livy.submit(session, "import sys\nprint('out'); print('err', file=sys.stderr); spark.range(100).count()")
    assert st["state"] in ("waiting", "running") and st["output"] is None
    r = livy.get("/sessions/%s/statements/%s" % (session, st["id"]))
    assert r.status_code == 200
    st = livy.wait_statement(session, st["id"])
    assert st["state"] == "available" and st["progress"] == 1.0
    assert st["output"]["execution_count"] == st["id"]
    assert text_of(st) == "out\n100\nerr"
    assert st["started"] > 0 and st["completed"] >= st["started"]
    assert text_of(livy.run(session, "x = 21\ny = 2\nx * y")) == "42"
    assert text_of(livy.run(session, "x = 1")) == ""
    assert text_of(livy.run(session, "print('a  \\n\\n')")) == "a"
    assert text_of(livy.run(session, "spark.range(3)")) == "DataFrame[id: bigint]"


def test_magics(livy, session):
    st = livy.run(session, "d = {'a': [1, 2]}\n%json d")
    assert st["output"]["data"] == {"application/json": {"a": [1, 2]}}
    st = livy.run(session, "rows = [{'b': 1, 'a': 'x'}, {'a': 'y', 'b': 2}]\n%table rows")
    assert st["output"]["data"]["application/vnd.livy.table.v1+json"] == {
        "headers": [{"name": "a", "type": "STRING_TYPE"}, {"name": "b", "type": "INT_TYPE"}],
        "data": [["x", 1], ["y", 2]]}
    st = livy.run(session, "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\n%matplot plt")
    png = base64.b64decode(st["output"]["data"]["image/png"])
    assert png.startswith(b"\x89PNG")
    st = livy.run(session, "%foo x")
    assert st["output"]["status"] == "error" and st["output"]["ename"] == "UnknownMagic"
    assert st["output"]["evalue"] == "unknown magic command 'foo'"


def test_sql_kind(livy, session):
    st = livy.run(session, "select 1 as a, 'x' as b", kind="sql")
    data = st["output"]["data"]["application/json"]
    assert [f["name"] for f in data["schema"]["fields"]] == ["a", "b"]
    assert data["data"] == [[1, "x"]]


def test_errors(livy, session):
    out = livy.run(session, "1/0")["output"]
    assert out["status"] == "error" and out["ename"] == "ZeroDivisionError"
    assert out["evalue"] == "division by zero"
    assert out["traceback"] == ["Traceback (most recent call last):\n", "ZeroDivisionError: division by zero\n"]
    out = livy.run(session, "def f():\n    return 1/0\nf()")["output"]
    assert out["traceback"][1] == '  File "<stdin>", line 2, in f\n'
    out = livy.run(session, "1 +")["output"]
    assert out["ename"] == "SyntaxError" and out["traceback"][-1].startswith("SyntaxError")
    out = livy.run(session, "spark.sql('select nosuchcolumn')")["output"]
    assert out["ename"] == "AnalysisException" and "nosuchcolumn" in out["evalue"]
    out = livy.run(session, "exit()")["output"]
    assert out["ename"] == "SystemExit"
    assert text_of(livy.run(session, "x")) == "1"  # the namespace survived every error


def test_cancel_spark_job_and_plain_python(livy, session):
    st = livy.submit(session, "import time\nsc.parallelize(range(400), 40).map(lambda x: (time.sleep(0.1), x)[1]).count()")
    # Cancel only once the Spark job has tasks done: then it is surely running.
    livy.wait_statement(session, st["id"], timeout=60, until=lambda s: s["state"] == "running" and s["progress"] > 0)
    r = livy.post("/sessions/%s/statements/%s/cancel" % (session, st["id"]))
    assert r.status_code == 200 and r.json() == {"msg": "canceled"}
    st = livy.wait_statement(session, st["id"], timeout=30)
    assert st["state"] == "cancelled"
    assert livy.wait_state(session, {"idle"}, timeout=10) == "idle"

    livy.run(session, "marker = 'kept'")
    st = livy.submit(session, "import time\ntime.sleep(60)\nmarker = 'overwritten'")
    assert livy.wait_state(session, {"busy"}, timeout=10) == "busy"
    livy.post("/sessions/%s/statements/%s/cancel" % (session, st["id"]))
    st = livy.wait_statement(session, st["id"], timeout=10)
    assert st["state"] == "cancelled"
    assert livy.wait_state(session, {"idle"}, timeout=10) == "idle"
    assert text_of(livy.run(session, "marker")) == "'kept'"

    # A waiting statement is cancelled at once; cancel of unknown or finished ids is still 200.
    # (first runs long enough that second is surely still waiting when it is cancelled)
    first = livy.submit(session, "time.sleep(60)")
    second = livy.submit(session, "print('never')")
    assert livy.post("/sessions/%s/statements/%s/cancel" % (session, second["id"])).status_code == 200
    assert livy.get("/sessions/%s/statements/%s" % (session, second["id"])).json()["state"] == "cancelled"
    livy.post("/sessions/%s/statements/%s/cancel" % (session, first["id"]))
    assert livy.wait_statement(session, first["id"], timeout=30)["state"] == "cancelled"
    assert livy.wait_state(session, {"idle"}, timeout=30) == "idle"
    # Cancelled the moment it is sent: the endpoint counts it running, the driver may not have taken
    # it up yet (a cancel it then dropped left the statement "cancelling" until its code ended).
    for _ in range(10):
        st = livy.submit(session, "time.sleep(30)")
        livy.post("/sessions/%s/statements/%s/cancel" % (session, st["id"]))
        assert livy.wait_statement(session, st["id"], timeout=15)["state"] == "cancelled"
    assert livy.post("/sessions/%s/statements/999/cancel" % session).status_code == 200


def test_progress_rises_during_multi_stage_job(livy, session):
    code = ("import time\n"
            "rdd = sc.parallelize(range(24), 12).map(lambda x: (time.sleep(0.3), (x % 3, x))[1])\n"
            "rdd.reduceByKey(lambda a, b: a + b, 6).map(lambda kv: (time.sleep(0.3), kv)[1]).collect()")
    st = livy.submit(session, code)
    seen = []
    deadline = time.time() + 120
    while time.time() < deadline:
        cur = livy.get("/sessions/%s/statements/%s" % (session, st["id"])).json()
        seen.append(cur["progress"])
        if cur["state"] == "available":
            break
        time.sleep(0.1)
    assert cur["state"] == "available" and cur["output"]["status"] == "ok", cur
    assert seen[-1] == 1.0
    middle = [p for p in seen if 0 < p < 1]
    assert len(set(middle)) >= 2, seen
    assert seen == sorted(seen), "progress went backwards: %s" % seen


def test_statement_list_log_and_completion(livy, session):
    r = livy.get("/sessions/%s/statements" % session).json()
    assert r["total_statements"] == len(r["statements"]) >= 5
    ids = [s["id"] for s in r["statements"]]
    assert ids == sorted(ids)
    desc = livy.get("/sessions/%s/statements?order=desc&from=0&size=2" % session).json()
    assert [s["id"] for s in desc["statements"]] == ids[::-1][:2]
    log = livy.get("/sessions/%s/log?from=0&size=5" % session).json()
    assert log["id"] == session and log["from"] == 0 and len(log["log"]) <= 5 and log["total"] >= 1
    everything = livy.get("/sessions/%s/log?size=-1" % session).json()
    assert any("WARN" in line or "log level" in line for line in everything["log"])
    r = livy.post("/sessions/%s/completion" % session, {"code": "spark.ra", "kind": "pyspark", "cursor": 8})
    assert r.status_code == 200 and "spark.range" in r.json()["candidates"]


def test_sparkmagic_smoke(livy):
    """The calls sparkmagic makes, with its header, in its order."""
    listing = livy.get("/sessions")
    assert listing.status_code == 200 and "sessions" in listing.json()
    r = livy.post("/sessions", {"kind": "pyspark", "heartbeatTimeoutInSecond": 60, "conf": {}})
    assert r.status_code == 201 and r.headers["Location"] == "/sessions/%s" % r.json()["id"]
    sid = r.json()["id"]
    assert livy.wait_state(sid, {"idle", "error", "dead"}) == "idle"
    r = livy.post("/sessions/%s/statements" % sid, {"code": "print(sc.parallelize([1, 2, 3]).sum())", "kind": "pyspark"})
    assert r.status_code == 201 and r.headers["Location"] == "/sessions/%s/statements/%s" % (sid, r.json()["id"])
    assert text_of(livy.wait_statement(sid, r.json()["id"])) == "6"
    r = livy.delete("/sessions/%s" % sid)
    assert r.status_code == 200 and r.json() == {"msg": "deleted"}
    assert livy.get("/sessions/%s" % sid).status_code == 404


def test_python_dying_mid_statement_kills_the_session(livy, session):
    st = livy.run(session, "import os\nos._exit(7)")
    assert st["state"] == "available"
    assert st["output"]["status"] == "error" and st["output"]["evalue"].startswith("Interpreter died")
    assert livy.wait_state(session, {"dead"}, timeout=10) == "dead"
    r = livy.post("/sessions/%s/statements" % session, {"code": "1"})
    assert r.status_code == 500 and r.json() == "java.lang.IllegalStateException: Session is in state dead"
    assert livy.delete("/sessions/%s" % session).status_code == 200
    assert livy.get("/sessions/%s" % session).status_code == 404


# ---- other servers: missing pyspark, idle timeout, no orphans -----------------------------------

def python_without_pyspark():
    for candidate in ["/usr/bin/python3", shutil.which("python3")]:
        if candidate and subprocess.run([candidate, "-c", "import pyspark"], capture_output=True).returncode != 0:
            return candidate
    pytest.skip("no Python without pyspark on this machine")


def test_python_without_pyspark_reports_install_hint():
    python = python_without_pyspark()
    ep = LocalLivy("--python", python)
    try:
        s = ep.create()
        assert ep.wait_state(s["id"], {"error", "dead"}, timeout=30) in ("error", "dead")
        log = "\n".join(ep.get("/sessions/%s/log?size=-1" % s["id"]).json()["log"])
        assert "pip install pyspark==" in log and python in log
    finally:
        ep.stop()


def test_idle_timeout_reaps_session_and_sigterm_cleans_up():
    ep = LocalLivy("--session-timeout", "6s")
    try:
        s = ep.create()
        ep.wait_state(s["id"], {"idle"})
        assert text_of(ep.run(s["id"], "1 + 1")) == "2"
        last_activity = time.time()
        # GET polls are no activity in Livy: the session must still be reaped.
        gone = ep.wait_gone(s["id"], timeout=30)
        assert gone - last_activity >= 5
        assert ep.get("/sessions/%s" % s["id"]).json() == {"msg": "Session '%s' not found." % s["id"]}
        assert ep.tree() == []
        # A live session goes with the server on SIGTERM.
        s = ep.create()
        ep.wait_state(s["id"], {"idle"})
        tree = ep.tree()
        assert tree
    finally:
        ep.stop()
    _, alive = psutil.wait_procs(tree, timeout=15)
    assert alive == [], "left behind after SIGTERM: %s" % [(p.pid, p.name()) for p in alive]


def test_no_orphans_after_sigkill():
    ep = LocalLivy()
    try:
        s = ep.create()
        ep.wait_state(s["id"], {"idle"})
        # Python workers too: they are the Spark JVM's children.
        assert text_of(ep.run(s["id"], "sc.parallelize(range(4), 2).map(lambda x: x * 2).sum()")) == "12"
        tree = ep.tree()
        names = " ".join(p.name() for p in tree)
        assert "java" in names and "python" in names, names
    finally:
        ep.proc.send_signal(signal.SIGKILL)
        ep.proc.wait(10)
    _, alive = psutil.wait_procs(tree, timeout=15)
    assert alive == [], "orphans: %s" % [(p.pid, p.name()) for p in alive]
