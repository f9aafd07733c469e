"""HTTPS with a private CA and client certificates, end to end: the standalone endpoint behind a
TLS-terminating loopback proxy that requires a client certificate signed by a CA the test makes.
A kernel with ca_bundle and the client certificate (an encrypted legacy OpenSSL key) runs cells
and a Spark job through it; kernels missing one piece, or facing a bad server certificate, get one
sentence as their first cell's error."""
import asyncio
import datetime
import ipaddress
import os
import re
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, LocalLivy, run_cell, stdout_of
from secret_helpers import assert_no_secrets, cell_texts, run_notebook

KEY_PASSWORD = "tls-test-pw"


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject_key, subject, issuer_key, issuer, ca=False, sans=None, expired=False):
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = ((now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)) if expired
                  else (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=1)))
    b = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
         .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(start).not_valid_after(end)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert(ca_key, "livy-kernel e2e CA", ca_key, "livy-kernel e2e CA", ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    loopback = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    server = _cert(server_key, "proxy", ca_key, "livy-kernel e2e CA", sans=loopback)
    expired = _cert(server_key, "proxy", ca_key, "livy-kernel e2e CA", sans=loopback, expired=True)
    other_host = _cert(server_key, "proxy", ca_key, "livy-kernel e2e CA", sans=[x509.DNSName("livy.example.com")])
    client_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = _cert(client_key, "kernel", ca_key, "livy-kernel e2e CA")
    files = {
        "ca": d / "ca.pem", "server": d / "server.pem", "server_key": d / "server.key",
        "client": d / "client.pem", "client_key": d / "client.key",
        "expired": d / "expired.pem", "other_host": d / "other-host.pem",
    }
    files["expired"].write_bytes(_pem(expired) + _pem(ca))
    files["other_host"].write_bytes(_pem(other_host) + _pem(ca))
    files["ca"].write_bytes(_pem(ca))
    files["server"].write_bytes(_pem(server) + _pem(ca))
    files["server_key"].write_bytes(server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    files["client"].write_bytes(_pem(client))
    # PKCS#1 with "Proc-Type: 4,ENCRYPTED": the form the JDK cannot read at all
    files["client_key"].write_bytes(client_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(KEY_PASSWORD.encode())))
    assert b"Proc-Type: 4,ENCRYPTED" in files["client_key"].read_bytes()
    return files


class TlsProxy:
    """Terminates TLS on 127.0.0.1 (client certificate required) and forwards cleartext to the endpoint."""

    def __init__(self, upstream_url, pki, server_cert="server"):
        host_port = upstream_url.split("://", 1)[1].rstrip("/")
        self.upstream_host, port = host_port.rsplit(":", 1)
        self.upstream_port = int(port)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(pki[server_cert], pki["server_key"])
        self.ctx.load_verify_locations(pki["ca"])
        self.ctx.verify_mode = ssl.CERT_REQUIRED
        self.clients = []   # subject CNs of the client certificates that passed
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        assert ready.wait(10), "the TLS proxy did not start"

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        self.loop.set_exception_handler(lambda loop, ctx: None)   # failed handshakes are the point of some tests
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ctx))
        self.port = self.server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _serve(self, reader, writer):
        peer = writer.get_extra_info("peercert") or {}
        self.clients += [v for rdn in peer.get("subject", ()) for k, v in rdn if k == "commonName"]
        try:
            up_reader, up_writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True)

    @staticmethod
    async def _pipe(src, dst):
        try:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
        finally:
            dst.close()

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    def stop(self):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def proxied(pki):
    livy = LocalLivy()
    proxy = TlsProxy(livy.url, pki)
    try:
        yield livy, proxy
    finally:
        proxy.stop()
        livy.stop()


@pytest.fixture(scope="module")
def bad_proxies(proxied, pki):
    """Proxies in front of the same endpoint whose server certificate is expired, or for another host."""
    livy, _ = proxied
    proxies = {name: TlsProxy(livy.url, pki, server_cert=name) for name in ("expired", "other_host")}
    yield proxies
    for p in proxies.values():
        p.stop()


def _kernel_env(livy, proxy, pki, **overrides):
    env = {**os.environ, **livy.env(), "LIVY_URL": proxy.url, "LIVY_KERNEL_PROGRESS": "off",
           "LIVY_CA_BUNDLE": str(pki["ca"]), "LIVY_CLIENT_CERT": str(pki["client"]),
           "LIVY_CLIENT_KEY": str(pki["client_key"]), "LIVY_CLIENT_KEY_PASSWORD": KEY_PASSWORD}
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def _start(env):
    return start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env=env)


def test_cells_and_a_spark_job_run_over_mutual_tls(proxied, pki):
    livy, proxy = proxied
    km, kc = _start(_kernel_env(livy, proxy, pki, LIVY_KERNEL_PROGRESS="text"))
    try:
        reply, outputs = run_cell(kc, "print(1+1)", timeout=300)
        assert reply["status"] == "ok", (reply, outputs)
        assert stdout_of(outputs).strip() == "2"
        # Each task sleeps, so the job outlasts the progress display's first poll even on a busy machine
        # (a job over before any poll saw it shows no display at all, by design).
        job = "import time\nprint(sc.parallelize(range(100), 4).map(lambda x: (time.sleep(0.02), x * 2)[1]).sum())"
        reply, outputs = run_cell(kc, job, timeout=120)
        assert reply["status"] == "ok", (reply, outputs)
        assert stdout_of(outputs).strip() == "9900"
        # The progress display follows the job (its Spark UI is read with the same TLS-configured client).
        final = [c["data"]["text/plain"] for t, c in outputs
                 if t in ("display_data", "update_display_data") and c["data"].get("text/plain", "").startswith("Spark:")]
        assert final and re.match(r"Spark: 1 job succeeded, 4/4 tasks", final[-1]), outputs
        reply, outputs = run_cell(kc, "%%info", timeout=120)
        info = "".join(c["data"].get("text/plain", "") for t, c in outputs if t == "display_data")
        assert reply["status"] == "ok" and "https://127.0.0.1:%d" % proxy.port in info, outputs
        assert str(pki["ca"]) in info and KEY_PASSWORD not in info, info
        assert proxy.clients and set(proxy.clients) == {"kernel"}, proxy.clients
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


@pytest.mark.parametrize("overrides, sentence", [
    ({"LIVY_CA_BUNDLE": None},
     "Livy at https://127.0.0.1:{port} presented a certificate signed by a CA this kernel does not trust: put that"
     " CA's PEM certificate in a file and set ca_bundle (or LIVY_CA_BUNDLE) to it (ignore_ssl_errors switches the"
     " checks off instead)."),
    ({"LIVY_CLIENT_KEY_PASSWORD": "wrong"},
     "The client_key file {client_key} could not be decrypted: client_key_password is wrong."),
    ({"LIVY_CLIENT_CERT": None, "LIVY_CLIENT_KEY": None},
     "Livy at https://127.0.0.1:{port} asks for a client certificate: set client_cert and client_key"
     " (or LIVY_CLIENT_CERT and LIVY_CLIENT_KEY) to its PEM files."),
], ids=["unknown-ca", "wrong-key-password", "no-client-certificate"])
def test_a_tls_problem_is_the_first_cells_error_in_one_sentence(proxied, pki, overrides, sentence):
    livy, proxy = proxied
    km, kc = _start(_kernel_env(livy, proxy, pki, **overrides))
    try:
        reply, outputs = run_cell(kc, "print(1+1)", timeout=120)
        assert reply["status"] == "error", (reply, outputs)
        expected = sentence.format(port=proxy.port, client_key=pki["client_key"])
        assert expected in reply["evalue"], reply["evalue"]
        assert "Exception" not in reply["evalue"] and "\tat " not in "".join(reply["traceback"]), reply
        assert KEY_PASSWORD not in str(reply) and "wrong" not in reply["evalue"].replace("is wrong", ""), reply
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


@pytest.mark.parametrize("server_cert, sentence", [
    ("expired", "Livy at https://127.0.0.1:{port} presented a certificate that has expired; the server needs a"
                " renewed certificate."),
    ("other_host", "Livy at https://127.0.0.1:{port} presented a certificate for livy.example.com, not for 127.0.0.1:"
                   " use a host name the certificate holds in the URL."),
], ids=["expired", "hostname-mismatch"])
def test_a_bad_server_certificate_is_the_first_cells_error_in_one_sentence(proxied, bad_proxies, pki, server_cert,
                                                                           sentence):
    livy, _ = proxied
    proxy = bad_proxies[server_cert]
    km, kc = _start(_kernel_env(livy, proxy, pki))
    try:
        reply, outputs = run_cell(kc, "print(1+1)", timeout=120)
        assert reply["status"] == "error", (reply, outputs)
        assert sentence.format(port=proxy.port) in reply["evalue"], reply["evalue"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_the_key_password_and_the_key_show_nowhere(proxied, pki, tmp_path):
    livy, proxy = proxied
    path = tmp_path / "tls.ipynb"
    nb, stderr = run_notebook(path, ["print(spark.range(3).count())", "%%info"],
                              {**_kernel_env(livy, proxy, pki), "LIVY_KERNEL_LOG_LEVEL": "debug"})
    texts = cell_texts(nb)
    assert "3" in texts and str(pki["client_key"]) in texts and "client_key_password" in texts, texts
    key_body = "".join(line for line in pki["client_key"].read_text().splitlines() if ":" not in line and "-----" not in line)
    assert_no_secrets({"client_key_password": KEY_PASSWORD, "the client key": key_body[:64],
                       "the endpoint's Basic password": livy.password},
                      {"saved notebook": path, "kernel stderr (debug)": stderr, "outputs": texts},
                      basic_user=livy.username)
