"""The embedded endpoint's sessions on a real Spark standalone cluster: a master and two workers
(1 core, 1 GiB each) started by scripts/spark-standalone from the pyspark package's jars on
loopback, and a kernel whose config sets spark.master to it. Cells, %%sql, interrupt and the
progress widget must work, with tasks on both workers' executors."""
import json
import os
import subprocess

import pytest
import requests

from conftest import ROOT, LocalLivy, free_port, request_messages, run_cell, stdout_of, wait_until, warmed_kernel
from progress_helpers import run_full

SCRIPT = ROOT / "scripts" / "spark-standalone"


class Cluster:
    def __init__(self, directory):
        self.dir = directory
        self.port = free_port()
        self.ui_port = free_port()
        self.master = "spark://127.0.0.1:%d" % self.port
        self.ui = "http://127.0.0.1:%d" % self.ui_port
        # The cluster also stops by itself if this test process dies before its teardown.
        self.env = {**os.environ, "SPARK_STANDALONE_DIR": str(directory), "SPARK_MASTER_PORT": str(self.port),
                    "SPARK_MASTER_WEBUI_PORT": str(self.ui_port), "SPARK_STANDALONE_WORKERS": "2",
                    "SPARK_STANDALONE_PARENT": str(os.getpid())}

    def script(self, command):
        return subprocess.run([str(SCRIPT), command], env=self.env, capture_output=True, text=True, timeout=180)

    def state(self):
        try:
            return requests.get(self.ui + "/json/", timeout=5).json()
        except (requests.RequestException, ValueError):
            return None

    def pids(self):
        return [int(p.read_text()) for p in self.dir.glob("*.pid")]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("spark-standalone"))
    started = c.script("start")
    assert started.returncode == 0, started.stdout + started.stderr
    pids = c.pids()
    assert len(pids) == 3, pids
    yield c
    stopped = c.script("stop")
    assert stopped.returncode == 0, stopped.stderr
    for pid in pids:
        wait_until("pid %d gone after stop" % pid, lambda: not os.path.exists("/proc/%d" % pid) or _zombie(pid), 30)


def _zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


@pytest.fixture(scope="module")
def kernel(cluster, tmp_path_factory):
    config = tmp_path_factory.mktemp("cluster-config") / "config.json"
    # Executors of 512 MiB fit the 1 GiB workers; the master comes from the kernel's own config file.
    config.write_text(json.dumps({"session_configs": {"executorMemory": "512m",
                                                       "conf": {"spark.master": cluster.master}}}))
    gen = warmed_kernel("import os, socket\nwarm = sc.parallelize(range(4), 2).count()",
                        env={"LIVY_KERNEL_CONFIG": str(config)})
    km, kc = next(gen)
    reply, outputs = run_cell(kc, "print(sc.master); print(sc.applicationId); print(sc.uiWebUrl)")
    assert reply["status"] == "ok", reply
    master, app, ui = stdout_of(outputs).split()
    assert master == cluster.master
    yield km, kc, app, ui
    next(gen, None)
    # The session's end is the app's end: the master lists it as completed, and no app is left running.
    wait_until("app %s completed on the master" % app, lambda: (s := cluster.state()) and not s["activeapps"]
               and any(a["id"] == app for a in s["completedapps"]), 60)


def executors(ui, app):
    r = requests.get("%s/api/v1/applications/%s/executors" % (ui, app), timeout=10)
    r.raise_for_status()
    return [e for e in r.json() if e["id"] != "driver"]


def interrupt(km, kc, msg_id):
    """Interrupts the running cell msg_id; its iopub messages after that, once its reply says KeyboardInterrupt."""
    km.interrupt_kernel()
    rest = request_messages(kc, msg_id, timeout=120)
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    return rest


def test_the_master_has_two_alive_workers(cluster):
    state = cluster.state()
    assert state["status"] == "ALIVE"
    assert [w["state"] for w in state["workers"]] == ["ALIVE", "ALIVE"]
    assert all(w["host"] == "127.0.0.1" and w["cores"] == 1 for w in state["workers"])


def test_a_job_runs_tasks_on_both_workers_and_the_widget_shows_two_executors(cluster, kernel):
    km, kc, app, ui = kernel
    # Both executors registered before the job, or the first could take every task.
    wait_until("two executors of %s" % app, lambda: len(executors(ui, app)) == 2)
    assert [w["coresused"] for w in cluster.state()["workers"]] == [1, 1]
    before = {e["id"]: e["totalTasks"] for e in executors(ui, app)}
    # 8 partitions of 0.4 s: a job long enough for the widget, on 2 single-core executors.
    reply, msgs = run_full(kc, "import time\n"
                               "pids = sc.parallelize(range(8), 8).map(lambda x: (time.sleep(0.4), os.getpid())[1])"
                               ".collect()\nprint(len(pids), len(set(pids)) >= 2)")
    assert reply["status"] == "ok", reply
    text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
    assert "8 True" in text, text
    ran = {e["id"]: e["totalTasks"] - before.get(e["id"], 0) for e in executors(ui, app)}
    assert len(ran) == 2 and all(n > 0 for n in ran.values()) and sum(ran.values()) == 8, ran
    assert {e["hostPort"].split(":")[0] for e in executors(ui, app)} == {"127.0.0.1"}
    opens = [m for m in msgs if m["msg_type"] == "comm_open"]
    assert opens and all(m["content"]["target_name"] == "jupyter.widget" for m in opens), \
        [m["msg_type"] for m in msgs]
    widget_text = json.dumps([m["content"] for m in msgs if m["msg_type"] in ("comm_open", "comm_msg")])
    assert "Executors in use: 2 (2 cores)" in widget_text, widget_text[-2000:]


def test_sql_on_the_cluster(kernel):
    km, kc, app, ui = kernel
    reply, _ = run_cell(kc, "spark.range(0, 1000, numPartitions=4).selectExpr('id', 'id % 3 AS k')"
                            ".createOrReplaceTempView('nums')")
    assert reply["status"] == "ok", reply
    reply, outputs = run_cell(kc, "%%sql\nSELECT k, count(*) AS n, sum(id) AS s FROM nums GROUP BY k ORDER BY k")
    assert reply["status"] == "ok", reply
    rendered = json.dumps([c for t, c in outputs if t in ("execute_result", "display_data")])
    for n, s in ((334, 166833), (333, 166500), (333, 166167)):
        assert str(n) in rendered and str(s) in rendered, rendered[:2000]


def test_interrupt_cancels_a_job_on_the_cluster_and_keeps_the_session(kernel):
    km, kc, app, ui = kernel
    msg_id = kc.execute("spark.range(0, 10**12, numPartitions=200).selectExpr('sum(id * id)').collect()")
    # The progress display's first message says the kernel has seen the job running on the executors.
    request_messages(kc, msg_id, timeout=120,
                     until=lambda m: m["msg_type"] in ("comm_open", "display_data"))
    rest = interrupt(km, kc, msg_id)
    assert any(m["msg_type"] == "error" for m in rest)
    # Spark cancelled the job: no active task remains on either executor.
    wait_until("no active tasks after the interrupt", lambda: all(e["activeTasks"] == 0 for e in executors(ui, app)), 60)
    reply, outputs = run_cell(kc, "print(sc.parallelize(range(10), 2).sum())")
    assert reply["status"] == "ok" and stdout_of(outputs) == "45\n", (reply, outputs)
    assert len(executors(ui, app)) == 2


def test_an_unreachable_master_fails_the_session_in_one_sentence():
    closed = free_port()
    livy = LocalLivy("--spark-master", "spark://127.0.0.1:%d" % closed)
    try:
        sid = livy.create()["id"]
        assert livy.wait_state(sid, ["dead", "error", "idle"], timeout=120) in ("dead", "error")
        log = livy.get("/sessions/%s/log?size=-1" % sid).json()["log"]
        assert any("no Spark master answers at spark://127.0.0.1:%d" % closed in line for line in log), log
    finally:
        livy.stop()


def test_configure_puts_a_new_session_on_the_cluster(cluster, kernel):
    km, kc, app, ui = kernel
    body = {"executorMemory": "512m", "conf": {"spark.master": cluster.master, "spark.cores.max": "1"}}
    reply, outputs = run_cell(kc, "%%configure -f\n" + json.dumps(body))
    assert reply["status"] == "ok", (reply, outputs)
    reply, outputs = run_cell(kc, "print(sc.master, sc.applicationId, sc.getConf().get('spark.cores.max'))")
    assert reply["status"] == "ok", (reply, outputs)
    master, new_app, cores = stdout_of(outputs).split()
    assert (master, cores) == (cluster.master, "1") and new_app != app
    # The old session's application ended with it; the new one holds one core of one worker.
    state = wait_until("only the new app active", lambda: (s := cluster.state())
                       and [a["id"] for a in s["activeapps"]] == [new_app] and s)
    assert app in [a["id"] for a in state["completedapps"]]
    assert sum(w["coresused"] for w in state["workers"]) == 1


def test_a_job_that_cannot_get_executors_says_so_and_can_be_interrupted(cluster, kernel):
    """Executors of 2g on workers of 1g: the master never starts one, and Spark only logs "Initial job
    has not accepted any resources". The cell must say so itself, and its interrupt still work."""
    km, kc, app, ui = kernel
    reply, outputs = run_cell(kc, "%%configure -f\n" + json.dumps({"executorMemory": "2g",
                                                                   "conf": {"spark.master": cluster.master}}))
    assert reply["status"] == "ok", (reply, outputs)
    msg_id = kc.execute("sc.parallelize(range(4), 2).count()")
    said = request_messages(kc, msg_id, timeout=180,
                            until=lambda m: m["msg_type"] == "stream" and "no executor" in m["content"]["text"])
    text = said[-1]["content"]["text"]
    assert said[-1]["content"]["name"] == "stderr", said[-1]
    assert text.startswith("Spark has started no executor for this job in "), text
    assert "the application asks for executors of 2g of memory each" in text, text
    assert '%%configure -f {"executorMemory": "1g", "executorCores": 1}' in text and "interrupt the cell" in text, text
    assert not any(w["coresused"] for w in cluster.state()["workers"]), cluster.state()
    rest = interrupt(km, kc, msg_id)
    assert not any(m["msg_type"] == "stream" and "no executor" in m["content"]["text"] for m in rest), "said once"
    reply, outputs = run_cell(kc, "print(6 * 7)")
    assert reply["status"] == "ok" and stdout_of(outputs) == "42\n", (reply, outputs)
