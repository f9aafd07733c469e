"""AWS SigV4 (EMR Serverless' Livy endpoint), end to end: a loopback proxy that checks the
signature of every request with botocore, as AWS would (403 and an AWS-shaped JSON body when it
does not match), in front of a standalone embedded endpoint. Like EMR Serverless it has no
/sessions/{id}/log route. The kernel reads the sparkmagic config.json AWS's docs write for the
EMR Serverless authenticator, unchanged; credentials come from the environment, then from a
profile file under a temporary HOME; wrong or missing ones give one sentence."""
import datetime
import hashlib
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import psutil
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, LocalLivy, run_cell, stdout_of

REGION = "us-east-1"
SERVICE = "emr-serverless"
ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRuntimeRole"
# Access key id -> (secret, session token): what "AWS" knows. The secrets must never be shown.
KEYS = {
    "AKIAENVEXAMPLE": ("env-secret-6bY2vQ9r", None),
    "ASIAPROFILEEXAMPLE": ("profile-secret-T4kq8Zp", "profile-session-token-W7nq"),
}
SECRETS = [s for s, _ in KEYS.values()] + [t for _, t in KEYS.values() if t]
AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                  r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")


def aws_error(kind, message):
    return 403, {"x-amzn-ErrorType": kind + ":http://internal.amazon.com/coral/com.amazon.coral.service/"}, \
        {"message": message}


def check_signature(method, url, headers, body):
    """None when the request is signed as AWS requires, else (status, headers, body) of AWS's refusal."""
    m = AUTH.match(headers.get("Authorization", ""))
    if not m:
        return aws_error("IncompleteSignatureException", "Authorization header requires 'Credential' parameter.")
    key_id, day, region, service, signed_names, signature = m.groups()
    if key_id not in KEYS:
        return aws_error("UnrecognizedClientException", "The security token included in the request is invalid.")
    secret, token = KEYS[key_id]
    if token is not None and headers.get("X-Amz-Security-Token") != token:
        return aws_error("UnrecognizedClientException", "The security token included in the request is invalid.")
    if (region, service) != (REGION, SERVICE):
        return aws_error("InvalidSignatureException", "Credential should be scoped to a valid region/service.")
    stamp = headers.get("X-Amz-Date", "")
    when = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 300 or not stamp.startswith(day):
        return aws_error("InvalidSignatureException", "Signature expired.")
    names = signed_names.split(";")
    if "host" not in names or "x-amz-date" not in names or (token and "x-amz-security-token" not in names):
        return aws_error("InvalidSignatureException", "Host and X-Amz-Date must be signed.")
    if headers.get("x-amz-content-sha256") not in (hashlib.sha256(body).hexdigest(), None):
        return aws_error("InvalidSignatureException", "The payload hash does not match the body.")
    # botocore recomputes over exactly the headers the client says it signed, at the client's time
    lower = {k.lower(): v for k, v in headers.items()}
    request = AWSRequest(method=method, url=url, data=body, headers={n: lower.get(n, "") for n in names})
    request.context["timestamp"] = stamp
    signer = SigV4Auth(Credentials(key_id, secret, token), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if expected != signature:
        return aws_error("InvalidSignatureException", "The request signature we calculated does not match the "
                                                      "signature you provided.")
    return None


class SigV4Proxy:
    """Checks every request's SigV4 signature, then forwards it to the endpoint with its own Basic auth."""

    def __init__(self, livy):
        self.livy = livy
        self.checked = []    # (method, path) of every request that passed
        self.refused = []    # (method, path, error type)
        self.session_bodies = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = "http://%s%s" % (self.headers["Host"], self.path)
                refusal = check_signature(self.command, url, dict(self.headers.items()), body)
                path = urlsplit(self.path).path
                if refusal is not None:
                    proxy.refused.append((self.command, path, refusal[1]["x-amzn-ErrorType"].split(":")[0]))
                    return self._answer(*refusal)
                proxy.checked.append((self.command, path))
                if re.fullmatch(r"/sessions/\d+/log", path):
                    # EMR Serverless serves no session logs
                    return self._answer(404, {}, {"message": "Not Found"})
                if self.command == "POST" and path == "/sessions":
                    proxy.session_bodies.append(json.loads(body))
                up = requests.request(self.command, proxy.livy.url + self.path, data=body or None, timeout=60,
                                      auth=proxy.livy.auth, headers={"Content-Type": "application/json",
                                                                     "X-Requested-By": "sigv4-proxy"})
                self.send_response(up.status_code)
                self.send_header("Content-Type", up.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(up.content)))
                self.end_headers()
                self.wfile.write(up.content)

            def _answer(self, status, headers, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _safely(self):
                try:
                    self._handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass   # the kernel gave up on this request (shutdown): nothing to answer

            do_GET = do_POST = do_DELETE = _safely

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def proxied():
    livy = LocalLivy()
    proxy = SigV4Proxy(livy)
    try:
        yield livy, proxy
    finally:
        proxy.stop()
        livy.stop()


def write_aws_docs_config(directory, url):
    """sparkmagic's config.json as AWS's EMR Serverless docs write it, with the test's URL and our two extras."""
    (directory / "config.json").write_text(json.dumps({
        "kernel_python_credentials": {"username": "", "password": "", "url": url, "auth": "Custom_Auth"},
        "kernel_scala_credentials": {"username": "", "password": "", "url": url, "auth": "Custom_Auth"},
        "authenticators": {
            "None": "sparkmagic.auth.customauth.Authenticator",
            "Basic_Access": "sparkmagic.auth.basic.Basic",
            "Custom_Auth": "emr_serverless_customauth.customauthenticator.EMRServerlessCustomSigV4Signer",
        },
        "livy_session_startup_timeout_seconds": 600,
        "ignore_ssl_errors": False,
        "proxy_user_from_notebook_user": True,
    }))


def kernel_env(tmp_path, proxy, **overrides):
    conf_dir = tmp_path / "sparkmagic"
    conf_dir.mkdir(exist_ok=True)
    write_aws_docs_config(conf_dir, proxy.url)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"SPARKMAGIC_CONF_DIR": str(conf_dir), "HOME": str(home), "AWS_REGION": REGION,
                "AWS_EC2_METADATA_DISABLED": "true", "LIVY_KERNEL_PROGRESS": "off",
                "EMR_SERVERLESS_SESSION_RUNTIME_ROLE_ARN": ROLE, "JUPYTERHUB_USER": "carol",
                "AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": KEYS["AKIAENVEXAMPLE"][0]})
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env, home


def start(env, stderr=None):
    return start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env,
                            **({"stderr": stderr} if stderr is not None else {}))


def assert_no_secret(*things):
    text = json.dumps(things, default=str)
    for s in SECRETS:
        assert s not in text, "a secret was shown"


def test_a_notebook_runs_through_the_signature_checking_proxy_with_credentials_from_env(proxied, tmp_path):
    livy, proxy = proxied
    env, _ = kernel_env(tmp_path, proxy, LIVY_KERNEL_LOG_LEVEL="debug")
    log = tmp_path / "kernel-stderr.log"
    km, kc = start(env, stderr=log.open("w"))
    try:
        reply, outputs = run_cell(kc, "print(1+1)", timeout=300)
        assert reply["status"] == "ok", (reply, outputs, proxy.refused)
        assert stdout_of(outputs).strip() == "2"
        reply, outputs = run_cell(kc, "print(sc.parallelize(range(100), 4).map(lambda x: x * 2).sum())", timeout=120)
        assert reply["status"] == "ok", (reply, outputs)
        assert stdout_of(outputs).strip() == "9900"

        # the execution role and the notebook user went into the session's creation
        body = proxy.session_bodies[-1]
        assert body["conf"]["emr-serverless.session.executionRoleArn"] == ROLE, body
        assert body["proxyUser"] == "carol", body
        sid = max(s["id"] for s in livy.get("/sessions").json()["sessions"])
        session = livy.get("/sessions/%d" % sid).json()
        assert session["proxyUser"] == "carol"

        # the embedded endpoint on a shared host: its Spark UI takes no kill requests, nothing listens beyond loopback
        ui, app = session["appInfo"]["sparkUiUrl"], session["appId"]
        props = dict(requests.get("%s/api/v1/applications/%s/environment" % (ui, app), timeout=30).json()["sparkProperties"])
        assert props.get("spark.ui.killEnabled") == "false", props
        listening = {(c.laddr.ip, c.laddr.port) for p in [psutil.Process(livy.proc.pid), *livy.tree()]
                     for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        assert listening and all(ip in ("127.0.0.1", "::1", "::ffff:127.0.0.1") for ip, _ in listening), listening

        reply, info = run_cell(kc, "%%info", timeout=60)
        assert reply["status"] == "ok", reply
        text = "".join(c["data"]["text/plain"] for t, c in info if t == "display_data")
        assert re.search(r"User:\s+carol", text), text
        assert "auth: AWS_SigV4" in text and "every request signed for service emr-serverless in the region of AWS_REGION" \
            in text, text

        # EMR Serverless has no /log route: a sentence, and the session works on
        reply, logs = run_cell(kc, "%%logs", timeout=60)
        assert reply["status"] == "ok", (reply, logs)
        assert ("Livy does not serve the log of session %d (GET /sessions/%d/log answered HTTP 404)" % (sid, sid)
                in stdout_of(logs)), logs
        reply, outputs = run_cell(kc, "print('still here')", timeout=120)
        assert reply["status"] == "ok" and stdout_of(outputs).strip() == "still here", (reply, outputs)

        assert not proxy.refused, proxy.refused
        kinds = set(proxy.checked)
        assert ("POST", "/sessions") in kinds and ("POST", "/sessions/%d/statements" % sid) in kinds, kinds
        assert_no_secret(outputs, info, logs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert ("DELETE", "/sessions/%d" % sid) in proxy.checked, "the signed DELETE at shutdown"
    kernel_log = log.read_text()
    assert "LivySession" in kernel_log or "Livy session" in kernel_log, "the debug log was captured"
    assert_no_secret(kernel_log)
    assert "AWS4-HMAC-SHA256" not in kernel_log and "Signature=" not in kernel_log, "no Authorization header logged"


def test_credentials_from_a_profile_file_in_home(proxied, tmp_path):
    livy, proxy = proxied
    env, home = kernel_env(tmp_path, proxy, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None,
                           AWS_PROFILE="analyst", LIVY_KERNEL_LOG_LEVEL="debug")
    (home / ".aws").mkdir()
    secret, token = KEYS["ASIAPROFILEEXAMPLE"]
    (home / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAWRONGDEFAULT\naws_secret_access_key = nope\n\n"
        "[analyst]\naws_access_key_id = ASIAPROFILEEXAMPLE\naws_secret_access_key = %s\naws_session_token = %s\n"
        % (secret, token))
    before = len(proxy.checked)
    log = tmp_path / "kernel-stderr.log"
    km, kc = start(env, stderr=log.open("w"))
    try:
        reply, outputs = run_cell(kc, "print(6*7)", timeout=300)
        assert reply["status"] == "ok", (reply, outputs, proxy.refused)
        assert stdout_of(outputs).strip() == "42"
        assert len(proxy.checked) > before and not proxy.refused, proxy.refused
        assert_no_secret(reply, outputs)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    assert_no_secret(log.read_text())   # the session token above all: the SDK logs it in canonical requests at debug


@pytest.mark.parametrize("overrides, sentence, refused", [
    ({"AWS_SECRET_ACCESS_KEY": "not-the-secret"},
     "AWS rejected the signature of the kernel's request to Livy (InvalidSignatureException): the secret key does not"
     " belong to the access key, or this machine's clock is off; set AWS_PROFILE (or aws_profile) to a profile in"
     " ~/.aws/credentials that works, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN with"
     " temporary credentials).", "InvalidSignatureException"),
    ({"AWS_ACCESS_KEY_ID": "AKIAUNKNOWN"},
     "AWS does not recognise the kernel's AWS credentials for Livy (UnrecognizedClientException): set AWS_PROFILE",
     "UnrecognizedClientException"),
    ({"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None},
     "The kernel found no AWS credentials to sign its requests to Livy: set AWS_PROFILE (or aws_profile) to a profile"
     " in ~/.aws/credentials, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", None),
], ids=["wrong-secret", "unknown-key", "no-credentials"])
def test_wrong_or_missing_credentials_are_one_sentence(proxied, tmp_path, overrides, sentence, refused):
    livy, proxy = proxied
    env, _ = kernel_env(tmp_path, proxy, **overrides)
    before = len(proxy.refused)
    km, kc = start(env)
    try:
        reply, outputs = run_cell(kc, "print(1)", timeout=120)
        assert reply["status"] == "error", (reply, outputs)
        assert sentence in reply["evalue"], reply["evalue"]
        assert "Exception:" not in reply["evalue"] and "\tat " not in "".join(reply["traceback"]), reply
        assert "not-the-secret" not in json.dumps([reply, outputs])
        new = proxy.refused[before:]
        if refused:
            assert new and {r[2] for r in new} == {refused}, new
        else:
            assert not new, "nothing unsigned was sent"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
