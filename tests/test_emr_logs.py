"""%%logs of a session that is gone, from the logs Amazon EMR archives in S3, end to end: moto in
server mode stands in for EMR and S3 (a cluster with a LogUri, its primary node, gzip'd logs laid
out as EMR lays them out), a standalone embedded endpoint runs the session, the test deletes it.
A loopback stand-in that answers AccessDenied proves the denied-permission messages."""
import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, LocalLivy, free_port, run_cell, stderr_of, stdout_of, warmed_kernel

BUCKET = "emr-logs"
LOG_URI = "s3n://%s/elasticmapreduce/" % BUCKET
OTHER_SESSION = 77
AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
           "AWS_EC2_METADATA_DISABLED": "true", "LIVY_KERNEL_PROGRESS": "off"}


def wait_for_port(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("moto_server exited with %s" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto_server did not listen on %d" % port)


@pytest.fixture(scope="module")
def moto():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
        yield "http://127.0.0.1:%d" % port
    finally:
        proc.terminate()
        proc.wait(10)


def aws(moto, service):
    return boto3.client(service, endpoint_url=moto, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture(scope="module")
def cluster(moto):
    """A live EMR cluster (a primary and two core nodes) logging to S3, and its empty log bucket."""
    emr = aws(moto, "emr")
    job = emr.run_job_flow(
        Name="notebooks", LogUri=LOG_URI, ReleaseLabel="emr-7.1.0",
        JobFlowRole="EMR_EC2_DefaultRole", ServiceRole="EMR_DefaultRole",
        Instances={"KeepJobFlowAliveWhenNoSteps": True, "InstanceGroups": [
            {"Name": "primary", "InstanceRole": "MASTER", "InstanceType": "m5.xlarge", "InstanceCount": 1},
            {"Name": "core", "InstanceRole": "CORE", "InstanceType": "m5.xlarge", "InstanceCount": 2}]})
    cid = job["JobFlowId"]
    [primary] = emr.list_instances(ClusterId=cid, InstanceGroupTypes=["MASTER"])["Instances"]
    s3 = aws(moto, "s3")
    s3.create_bucket(Bucket=BUCKET)
    root = "elasticmapreduce/%s/" % cid
    return {"id": cid, "primary": primary, "s3": s3, "root": root,
            "uri": "s3://%s/%s" % (BUCKET, root)}


def put(cluster, key, text, raw=False):
    body = text.encode() if raw else gzip.compress(text.encode())
    cluster["s3"].put_object(Bucket=BUCKET, Key=cluster["root"] + key, Body=body)


def livy_log_key(cluster):
    return "node/%s/applications/livy/livy-livy-server.out.gz" % cluster["primary"]["Ec2InstanceId"]


def container(app, n):
    return "container_1700000000000_0001_01_%06d" % n


def lay_out_logs(cluster, sid, app):
    """What EMR would have copied to S3 for session `sid` (application `app`) and for another session."""
    put(cluster, livy_log_key(cluster), "\n".join([
        "26/12/02 09:00:00 INFO InteractiveSession$: Creating Interactive session %d: [owner: null, kind: pyspark]" % sid,
        "26/12/02 09:00:01 INFO InteractiveSession$: Creating Interactive session %d: [owner: null]" % OTHER_SESSION,
        "26/12/02 09:00:02 INFO LineBufferedStream: other-session-marker application_1700000000000_0099",
        "26/12/02 09:00:05 INFO InteractiveSession: Interactive session %d created [appid: %s, state: starting]" % (sid, app),
        "26/12/02 09:00:06 INFO InteractiveSession: Interactive session %d created [appid: application_1700000000000_0099]" % OTHER_SESSION,
        "26/12/02 10:00:00 INFO InteractiveSessionManager: Deleting InteractiveSession %d because it was inactive" % sid,
    ]) + "\n")
    put(cluster, "containers/%s/%s/stderr.gz" % (app, container(app, 1)),
        "INFO SparkContext: Running Spark\nERROR driver-marker: java.lang.OutOfMemoryError: Java heap space\n")
    put(cluster, "containers/%s/%s/stdout.gz" % (app, container(app, 1)), "driver-stdout-marker\n")
    put(cluster, "containers/%s/%s/stderr.gz" % (app, container(app, 2)), "executor-one-marker\n")


@pytest.fixture(scope="module")
def livy():
    endpoint = LocalLivy()
    yield endpoint
    endpoint.stop()


@pytest.fixture(scope="module")
def kernel(livy, moto, cluster):
    env = {**livy.env(), **AWS_ENV, "AWS_ENDPOINT_URL": moto, "LIVY_KERNEL_EMR_CLUSTER_ID": cluster["id"]}
    for km_kc in warmed_kernel("x = 1", env=env):
        yield km_kc[1]


@pytest.fixture(scope="module")
def gone(kernel, livy, cluster):
    """The session the kernel ran, its logs in S3, then deleted behind the kernel's back."""
    [s] = [s for s in livy.get("/sessions").json()["sessions"] if s["state"] == "idle"]
    assert s["appId"], s
    lay_out_logs(cluster, s["id"], s["appId"])
    assert livy.delete("/sessions/%d" % s["id"]).status_code == 200
    return s["id"], s["appId"]


def error_of(kc, code):
    reply, outputs = run_cell(kc, code)
    assert reply["status"] == "error", (reply, outputs)
    [err] = [c for t, c in outputs if t == "error"]
    return err


def test_the_loss_message_ends_with_the_s3_uris_and_the_logs_line(kernel, cluster, gone):
    sid, app = gone
    reply, outputs = run_cell(kernel, "print('after')")
    assert reply["status"] == "ok", (reply, outputs)
    notice = stderr_of(outputs)
    assert "The Spark session %d is gone" % sid in notice, notice
    livy_uri = cluster["uri"] + livy_log_key(cluster)
    assert ("Its logs are archived by EMR in S3 at %s and %scontainers/%s/" % (livy_uri, cluster["uri"], app)) in notice, notice
    assert notice.rstrip().endswith("read them with: %%logs --s3 --session " + str(sid)), notice


def test_logs_of_the_gone_session_come_from_s3(kernel, cluster, gone):
    sid, app = gone
    text = stdout_of(run_cell(kernel, "%%logs --s3 --session " + str(sid))[1])
    assert text.startswith("EMR's archived logs of session %d (%s)" % (sid, app)), text
    assert "==> %s%s <==" % (cluster["uri"], livy_log_key(cluster)) in text, text
    assert "Interactive session %d created [appid: %s" % (sid, app) in text
    assert "other-session-marker" not in text and "session %d" % OTHER_SESSION not in text, text
    for marker in ("driver-marker", "driver-stdout-marker", "executor-one-marker"):
        assert marker in text, text

    driver = stdout_of(run_cell(kernel, "%%logs --session %d --source driver" % sid)[1])
    assert "driver-marker" in driver and "Interactive session" not in driver and "executor-one" not in driver, driver
    executor = stdout_of(run_cell(kernel, "%%logs --s3 --session %d --source executor 1" % sid)[1])
    assert "executor-one-marker" in executor and "driver-marker" not in executor, executor
    livy_only = stdout_of(run_cell(kernel, "%%logs --s3 --session %d --source livy -n 2" % sid)[1])
    assert "lines 2–3 of 4" in livy_only and "Deleting InteractiveSession %d" % sid in livy_only, livy_only
    grep = stdout_of(run_cell(kernel, "%%logs --s3 --session %d --grep outofmemory" % sid)[1])
    assert "1 of" in grep and "Java heap space" in grep, grep


def test_a_gone_session_without_flags_is_read_from_s3(kernel, gone):
    sid, _ = gone
    # Livy answers 404 for the session, and the kernel knows its EMR cluster: no --s3 needed.
    text = stdout_of(run_cell(kernel, "%%logs --session %d --source driver" % sid)[1])
    assert "driver-marker" in text, text
    text = stdout_of(run_cell(kernel, "%%logs --session %d" % sid)[1])
    assert "EMR's archived logs of session %d" % sid in text and "executor-one-marker" in text, text


def test_an_archive_not_there_yet_says_when_to_try_again(kernel, cluster, gone, livy):
    # The new session's containers have not been copied to S3 (EMR does so every 5 minutes).
    err = error_of(kernel, "%%logs --s3 --source driver")
    assert err["ename"] == "LogArchiveError"
    assert "is not in S3 yet (%scontainers/" % cluster["uri"] in err["evalue"], err
    assert "EMR copies logs there every 5 minutes, so try again after " in err["evalue"] and "UTC." in err["evalue"], err
    assert not err.get("traceback") or len(err["traceback"]) <= 1, err


def test_a_non_gzip_object_is_one_sentence(kernel, cluster, gone):
    sid, app = gone
    put(cluster, "containers/%s/%s/stderr.gz" % (app, container(app, 3)), "plain text, not gzip\n", raw=True)
    err = error_of(kernel, "%%logs --s3 --session %d --source executor 2" % sid)
    key = "%scontainers/%s/%s/stderr.gz" % (cluster["uri"], app, container(app, 3))
    assert err["evalue"].startswith(key + " is not gzip data"), err


class Denying(BaseHTTPRequestHandler):
    """EMR answers (or denies) in JSON 1.1; every S3 request is denied, in S3's XML."""
    deny_emr = True

    def log_message(self, *args):
        pass

    def _send(self, status, ctype, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "")
        ctype = "application/x-amz-json-1.1"
        if Denying.deny_emr:
            op = target.rsplit(".", 1)[-1]
            self._send(400, ctype, json.dumps({"__type": "AccessDeniedException", "message":
                       "User: arn:aws:iam::123456789012:user/nb is not authorized to perform: elasticmapreduce:" + op}))
        elif target.endswith("DescribeCluster"):
            self._send(200, ctype, json.dumps({"Cluster": {"Id": "j-LOCKED", "LogUri": "s3://locked/logs/",
                                                           "InstanceCollectionType": "INSTANCE_GROUP"}}))
        else:
            self._send(200, ctype, json.dumps({"Instances": [{"Id": "ci-1", "Ec2InstanceId": "i-0locked"}]}))

    def do_GET(self):
        self._send(403, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                                           "<Message>Access Denied</Message><RequestId>1</RequestId></Error>")


@pytest.fixture(scope="module")
def denying(livy):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Denying)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**livy.env(), **AWS_ENV, "AWS_ENDPOINT_URL": "http://127.0.0.1:%d" % server.server_port,
           "LIVY_KERNEL_EMR_CLUSTER_ID": "j-LOCKED"}
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env={**os.environ, **env})
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    server.shutdown()


def test_a_denied_call_names_the_iam_action(denying):
    Denying.deny_emr = True
    err = error_of(denying, "%%logs --s3 --session 0")
    assert err["evalue"].startswith("AWS denied elasticmapreduce:DescribeCluster on cluster j-LOCKED"), err
    assert "\n" not in err["evalue"], err
    Denying.deny_emr = False
    err = error_of(denying, "%%logs --s3 --session 0 --source livy")
    assert err["evalue"].startswith("AWS denied s3:GetObject on s3://locked/logs/j-LOCKED/node/i-0locked/"), err


def test_the_cluster_is_found_from_the_livy_host(moto, cluster):
    """No emr_cluster_id: the Livy URL names the primary node by its private DNS name, as on EMR.
    `--session` needs no live Livy, so the URL is never contacted."""
    put(cluster, livy_log_key(cluster), "26/12/02 09:00:00 INFO InteractiveSession: Interactive session 7 created "
                                        "[appid: application_1700000000000_0007]\nunrelated line\n")
    env = {**os.environ, **AWS_ENV, "AWS_ENDPOINT_URL": moto,
           "LIVY_URL": "http://%s:8998" % cluster["primary"]["PrivateDnsName"]}
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env)
    try:
        text = stdout_of(run_cell(kc, "%%logs --s3 --session 7 --source livy")[1])
        assert "(application_1700000000000_0007)" in text and "Interactive session 7 created" in text, text
        assert "unrelated line" not in text, text
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_no_aws_credentials_is_one_sentence(livy, tmp_path):
    """No keys in the environment, no ~/.aws, no instance role to ask: one sentence, no stack trace."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(livy.env(), HOME=str(tmp_path), AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               AWS_ENDPOINT_URL="http://127.0.0.1:9", LIVY_KERNEL_EMR_CLUSTER_ID="j-NOCREDS")
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env)
    try:
        err = error_of(kc, "%%logs --s3 --session 0")
        assert err["evalue"].startswith("The kernel found no AWS credentials to read the archived logs: set AWS_PROFILE"), err
        assert "\n" not in err["evalue"] and "Exception" not in err["evalue"], err
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_without_recreation_the_gone_sessions_logs_are_what_logs_shows(livy, moto, cluster):
    """session_auto_recreate off: the cell that meets the loss fails with the S3 places at the end of
    its message, and a bare %%logs then reads the gone session's archive (no flags needed)."""
    env = {**livy.env(), **AWS_ENV, "AWS_ENDPOINT_URL": moto, "LIVY_KERNEL_EMR_CLUSTER_ID": cluster["id"],
           "LIVY_KERNEL_SESSION_AUTO_RECREATE": "false"}
    before = {s["id"] for s in livy.get("/sessions").json()["sessions"]}
    for _, kc in warmed_kernel("y = 2", env=env):
        [s] = [s for s in livy.get("/sessions").json()["sessions"] if s["state"] == "idle" and s["id"] not in before]
        lay_out_logs(cluster, s["id"], s["appId"])
        assert livy.delete("/sessions/%d" % s["id"]).status_code == 200
        err = error_of(kc, "print(y)")
        assert err["ename"] == "SessionLost", err
        assert err["evalue"].endswith("read them with: %%logs --s3 --session " + str(s["id"])), err
        assert "%scontainers/%s/" % (cluster["uri"], s["appId"]) in err["evalue"], err
        text = stdout_of(run_cell(kc, "%%logs")[1])
        assert text.startswith("EMR's archived logs of session %d (%s)" % (s["id"], s["appId"])), text
        assert "driver-marker" in text and "Interactive session %d created" % s["id"] in text, text
