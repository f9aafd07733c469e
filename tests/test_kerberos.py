"""Kerberos (SPNEGO) end to end with a real MIT KDC: a throwaway realm on loopback (scripts/setup-kerberos
installs Debian's krb5-kdc; the realm lives in a temp dir, KRB5_CONFIG and KRB5_KDC_PROFILE point at it)
and a SPNEGO-checking proxy (src/test/java/.../SpnegoProxy, the JDK's GSS acceptor with the HTTP/localhost
keytab) in front of a standalone endpoint. A notebook runs through it with a `kinit` ticket cache and with
a keytab from the config; a missing or expired ticket, an unknown principal, a stale keytab and a Livy host
without a service principal each give one sentence in the first cell; no secret of the realm shows anywhere."""
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, ROOT, LocalLivy, run_cell, stdout_of
from secret_helpers import assert_no_secrets, cell_texts, run_notebook

REALM = "TEST.LIVY"
ALICE_PASSWORD = "alice-Kerb-pw-7731"
GSS_CLASSES = re.compile(r"\b(org\.ietf\.jgss\.\w+|sun\.security\.(?:krb5|jgss)\.[\w.$]+|livykernel\.livy\.auth\.\w+)")
TOOLS = ("krb5kdc", "kdb5_util", "kadmin.local", "kinit", "klist")
os.environ["PATH"] += ":/usr/sbin:/sbin"

if not all(shutil.which(t) for t in TOOLS):
    if os.environ.get("CI") == "true":
        pytest.fail("MIT Kerberos is not installed (scripts/setup-kerberos failed) and CI must run these tests",
                    pytrace=False)
    pytest.skip("MIT Kerberos is not installed (scripts/setup-kerberos installs it)", allow_module_level=True)
PROXY_CLASS = ROOT / "target" / "test-classes" / "livykernel" / "livy" / "auth" / "SpnegoProxy.class"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Realm:
    """A KDC for TEST.LIVY on a loopback port, its database and keytabs in `d`."""

    def __init__(self, d):
        self.d = d
        started = time.monotonic()
        port = _free_port()
        (d / "kdc.conf").write_text(f"""[kdcdefaults]
 kdc_ports = {port}
 kdc_tcp_ports = {port}
[realms]
 {REALM} = {{
  database_name = {d}/principal
  acl_file = {d}/kadm5.acl
  key_stash_file = {d}/stash
  kdc_ports = {port}
  kdc_tcp_ports = {port}
  max_life = 1h
  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
 }}
[logging]
 kdc = FILE:{d}/kdc.log
""")
        (d / "krb5.conf").write_text(f"""[libdefaults]
 default_realm = {REALM}
 dns_lookup_realm = false
 dns_lookup_kdc = false
 rdns = false
 udp_preference_limit = 1
[realms]
 {REALM} = {{
  kdc = 127.0.0.1:{port}
 }}
[domain_realm]
 localhost = {REALM}
""")
        (d / "kadm5.acl").write_text("")
        self.env = {"KRB5_CONFIG": str(d / "krb5.conf"), "KRB5_KDC_PROFILE": str(d / "kdc.conf")}
        self._run("kdb5_util", "create", "-s", "-r", REALM, "-P", "master-" + ALICE_PASSWORD)
        self.admin(f"addprinc -pw {ALICE_PASSWORD} alice", f"ktadd -norandkey -k {d}/alice.keytab alice",
                   "addprinc -randkey HTTP/localhost", f"ktadd -k {d}/http.keytab HTTP/localhost",
                   "addprinc -randkey bob", f"ktadd -k {d}/bob.keytab bob",
                   # a keytab of a principal the KDC then forgets, and one whose key changed after it was made
                   "addprinc -randkey dave", f"ktadd -k {d}/dave.keytab dave", "delprinc -force dave",
                   "addprinc -randkey erin", f"ktadd -k {d}/erin.keytab erin", "cpw -randkey erin")
        self.kdc = subprocess.Popen(["krb5kdc", "-n", "-r", REALM], env={**os.environ, **self.env},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                assert self.kdc.poll() is None and time.monotonic() < deadline, "krb5kdc did not start"
                time.sleep(0.05)
        self.setup_seconds = time.monotonic() - started

    def _run(self, *cmd, **kw):
        return subprocess.run(cmd, env={**os.environ, **self.env}, check=True, capture_output=True, text=True, **kw)

    def admin(self, *queries):
        for q in queries:
            self._run("kadmin.local", "-r", REALM, "-q", q)

    def kinit(self, cache, principal="alice", *flags):
        self._run("kinit", *flags, "-k", "-t", str(self.d / f"{principal}.keytab"), "-c", f"FILE:{cache}", principal)

    def keytabs(self):
        return {f"{p}.keytab contents": (self.d / f"{p}.keytab").read_bytes() for p in ("alice", "bob", "http")}

    def stop(self):
        self.kdc.terminate()
        self.kdc.wait(10)


class SpnegoProxy:
    """The Java SPNEGO acceptor in front of `upstream`; `lines` are its log (authenticated/rejected)."""

    def __init__(self, upstream, realm, *flags):
        assert PROXY_CLASS.is_file(), f"{PROXY_CLASS} is missing: build with mvn package (tests compiled) first"
        self.proc = subprocess.Popen(
            ["java", f"-Djava.security.krb5.conf={realm.d / 'krb5.conf'}", "-cp", str(ROOT / "target" / "test-classes"),
             "livykernel.livy.auth.SpnegoProxy", upstream, str(realm.d / "http.keytab"), f"HTTP/localhost@{REALM}",
             *flags],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first = self.proc.stdout.readline()
        assert first.startswith("port "), first + self.proc.stdout.read()
        self.port = int(first.split()[1])
        self.lines = []
        threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True).start()

    def url(self, host="localhost"):
        return f"http://{host}:{self.port}"

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def realm(tmp_path_factory):
    r = Realm(tmp_path_factory.mktemp("realm"))
    print(f"KDC realm set up in {r.setup_seconds:.2f} s")
    yield r
    r.stop()


@pytest.fixture(scope="module")
def proxy(realm):
    livy = LocalLivy("--no-auth")
    p = SpnegoProxy(livy.url, realm)
    p.upstream = livy.url
    yield p
    p.stop()
    livy.stop()


def kernel_env(realm, proxy, cache, **extra):
    return {**realm.env, "LIVY_URL": proxy.url(), "LIVY_AUTH": "Kerberos", "KRB5CCNAME": f"FILE:{cache}",
            "LIVY_KERNEL_PROGRESS": "off", **extra}


def authenticated(proxy, principal):
    return [line for line in proxy.lines if line.startswith(f"authenticated {principal}@{REALM} ")]


def test_a_notebook_runs_with_the_kinit_ticket_cache(realm, proxy, tmp_path):
    cache = tmp_path / "alice.ccache"
    realm.kinit(cache)
    nb, stderr = run_notebook(tmp_path / "kerberos.ipynb", [
        "print(1 + 1)",
        "print(sc.parallelize(range(100), 4).map(lambda x: x * 2).sum())",
        "%%info",
    ], kernel_env(realm, proxy, cache))
    outputs = [cell_texts([c]) for c in nb.cells]
    printed = ["".join(o.get("text", "") for o in c.outputs if o.get("name") == "stdout") for c in nb.cells]
    assert printed[0].strip() == "2", outputs
    assert printed[1].strip() == "9900", outputs
    print(outputs[2])
    assert "Kerberos" in outputs[2] and f"alice@{REALM}" in outputs[2] and str(cache) in outputs[2], outputs[2]
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.outputs), outputs
    # every call after the first is sent with its token at once: one 401 round per kernel, not per request
    assert len(authenticated(proxy, "alice")) >= 5, proxy.lines
    rejected = [line for line in proxy.lines if line.startswith("rejected ")]
    assert len(rejected) <= 1, rejected
    assert_no_secrets({"alice's password": ALICE_PASSWORD, **realm.keytabs()},
                      {"saved notebook": tmp_path / "kerberos.ipynb", "kernel stderr": stderr})


def test_a_keytab_from_the_config_needs_no_ticket_cache(realm, proxy, tmp_path):
    config = tmp_path / "config.json"
    keytab = realm.d / "bob.keytab"
    # sparkmagic's keys as it writes them, with this kernel's keytab keys beside them
    config.write_text(json.dumps({
        "kernel_python_credentials": {"username": "", "password": "", "url": proxy.url(), "auth": "Kerberos",
                                      "kerberos_principal": f"bob@{REALM}", "kerberos_keytab": str(keytab)},
        "kerberos_auth_configuration": {"mutual_authentication": 1}}))
    env = {**kernel_env(realm, proxy, tmp_path / "no-such-cache", LIVY_KERNEL_CONFIG=str(config))}
    env.pop("LIVY_URL")
    env.pop("LIVY_AUTH")
    stderr = tmp_path / "kernel.stderr"
    classes = tmp_path / "classes.log"
    env["JAVA_TOOL_OPTIONS"] = f"-Xlog:class+load=info:file={classes}"
    with open(stderr, "w") as err:
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env={**os.environ, **env}, stderr=err)
        try:
            reply, outputs = run_cell(kc, "print(spark.range(10).count())", timeout=300)
            assert reply["status"] == "ok", (reply, outputs)
            assert stdout_of(outputs).strip() == "10"
            reply, outputs = run_cell(kc, "%%info", timeout=60)
            info = json.dumps([c for _, c in outputs])
            assert f"bob@{REALM}" in info and str(keytab) in info, info
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
    assert authenticated(proxy, "bob"), proxy.lines
    assert "org.ietf.jgss.GSSContext" in GSS_CLASSES.findall(classes.read_text()), "the class log did not work"
    assert_no_secrets({"alice's password": ALICE_PASSWORD, **realm.keytabs()},
                      {"kernel stderr": stderr, "%%info": info})


def test_without_kerberos_no_gss_class_loads(realm, proxy, tmp_path):
    classes = tmp_path / "classes.log"
    env = {"LIVY_URL": proxy.upstream, "LIVY_KERNEL_PROGRESS": "off",
           "JAVA_TOOL_OPTIONS": f"-Xlog:class+load=info:file={classes}"}
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env={**os.environ, **env})
    try:
        # %%info calls Livy (GET /sessions) without starting a Spark session
        reply, outputs = run_cell(kc, "%%info", timeout=60)
        assert reply["status"] == "ok", (reply, outputs)
        assert "auth: None" in json.dumps([c for _, c in outputs]), outputs
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    # the JDK lists its GSS provider among all security providers whenever one is asked for (HMAC, say)
    assert "livykernel.livy.LivyClient " in classes.read_text(), "the kernel never made its Livy client"
    loaded = [c for c in GSS_CLASSES.findall(classes.read_text()) if not c.startswith("sun.security.jgss.SunProvider")]
    assert not loaded, sorted(set(loaded))[:20]


def test_hadoops_auth_cookie_spares_the_kerberos_exchange(realm, proxy, tmp_path):
    cookie_proxy = SpnegoProxy(proxy.upstream, realm, "cookie")
    cache = tmp_path / "alice.ccache"
    realm.kinit(cache)
    stderr = tmp_path / "kernel.stderr"
    shown = []
    with open(stderr, "w") as err:
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, stderr=err,
                                  env={**os.environ, **kernel_env(realm, cookie_proxy, cache), "LIVY_KERNEL_LOG_LEVEL": "debug"})
        try:
            for _ in range(3):
                reply, outputs = run_cell(kc, "%%info", timeout=60)
                assert reply["status"] == "ok", (reply, outputs)
                shown.append(json.dumps([c for _, c in outputs]))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
            cookie_proxy.stop()
    issued = [line.split(" ", 1)[1].strip() for line in cookie_proxy.lines if line.startswith("issued ")]
    assert len(issued) == 1, cookie_proxy.lines
    assert_no_secrets({"the hadoop.auth cookie": issued[0].strip('"')},
                      {"kernel stderr (debug)": stderr, "%%info": "\n".join(shown)})
    assert len(authenticated(cookie_proxy, "alice")) == 1, cookie_proxy.lines
    assert len([line for line in cookie_proxy.lines if line.startswith(f"cookie alice@{REALM} ")]) >= 2, cookie_proxy.lines


def _first_cell_error(env):
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env={**os.environ, **env})
    try:
        reply, outputs = run_cell(kc, "print(1 + 1)", timeout=120)
        assert reply["status"] == "error", (reply, outputs)
        assert "maximum retry" not in reply["evalue"] and "Exception" not in reply["evalue"], reply
        assert "\tat " not in "".join(reply["traceback"]), reply
        return reply["evalue"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_no_ticket_names_the_cache_and_kinit(realm, proxy, tmp_path):
    cache = tmp_path / "never-made"
    evalue = _first_cell_error(kernel_env(realm, proxy, cache, LIVY_KERBEROS_PRINCIPAL="alice"))
    assert (f"There is no Kerberos ticket: the ticket cache {cache} does not exist; run kinit alice, or set"
            " kerberos_keytab and kerberos_principal to log in with a keytab.") in evalue, evalue


def test_an_expired_ticket_names_the_principal_and_kinit(realm, proxy, tmp_path):
    cache = tmp_path / "short.ccache"
    realm.kinit(cache, "alice", "-l", "1s")
    _expire(realm, cache)
    evalue = _first_cell_error(kernel_env(realm, proxy, cache))
    assert f"The Kerberos ticket of alice@{REALM} in {cache} expired at " in evalue, evalue
    assert evalue.endswith("; run kinit alice@TEST.LIVY, or set kerberos_keytab and kerberos_principal to log in"
                           " with a keytab."), evalue


def _expire(realm, cache):
    deadline = time.monotonic() + 60
    while subprocess.run(["klist", "-s", "-c", f"FILE:{cache}"], env={**os.environ, **realm.env}).returncode == 0:
        assert time.monotonic() < deadline, "the short ticket did not expire"
        time.sleep(0.2)


def test_a_ticket_that_runs_out_in_a_running_kernel_says_kinit_and_a_new_one_is_picked_up(realm, proxy, tmp_path):
    cache = tmp_path / "running.ccache"
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60,
                              env={**os.environ, **kernel_env(realm, proxy, cache)})
    try:
        # The short ticket only once the kernel is up (it logs in at its first request), so a slow
        # start on a loaded machine cannot use it up before %%info.
        realm.kinit(cache, "alice", "-l", "15s")
        # %%info lists the endpoint's sessions: logged in, without waiting for a Spark session
        reply, outputs = run_cell(kc, "%%info", timeout=60)
        assert reply["status"] == "ok" and "valid until" in json.dumps([c for _, c in outputs]), outputs
        _expire(realm, cache)
        reply, outputs = run_cell(kc, "print(1 + 1)", timeout=120)
        assert reply["status"] == "error", (reply, outputs)
        assert f"The Kerberos ticket of alice@{REALM} in {cache} expired at " in reply["evalue"], reply["evalue"]
        realm.kinit(cache)
        reply, outputs = run_cell(kc, "print(1 + 1)", timeout=300)
        assert reply["status"] == "ok", (reply, outputs)
        assert stdout_of(outputs).strip() == "2"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


@pytest.mark.parametrize("principal, keytab, sentence", [
    ("dave", "dave.keytab", "The KDC of TEST.LIVY does not know the principal dave@TEST.LIVY: check kerberos_principal"
                            " and kerberos_keytab {keytab}."),
    ("erin", "erin.keytab", "The KDC of TEST.LIVY refused the key of erin@TEST.LIVY in kerberos_keytab {keytab} (it is"
                            " out of date: the password or key version changed); make a new keytab for erin@TEST.LIVY."),
    ("carol", "bob.keytab", "kerberos_keytab {keytab} holds no key for carol@TEST.LIVY (klist -k {keytab} lists its"
                            " principals): set kerberos_principal to one of them, or make a keytab for carol@TEST.LIVY."),
    ("bob", "missing.keytab", "kerberos_keytab {keytab} does not exist or cannot be read."),
], ids=["unknown-principal", "stale-keytab", "principal-not-in-keytab", "missing-keytab"])
def test_a_bad_keytab_login_is_one_sentence(realm, proxy, tmp_path, principal, keytab, sentence):
    path = realm.d / keytab
    evalue = _first_cell_error(kernel_env(realm, proxy, tmp_path / "unused", LIVY_KERBEROS_PRINCIPAL=f"{principal}@{REALM}",
                                          LIVY_KERBEROS_KEYTAB=str(path)))
    assert sentence.format(keytab=path) in evalue, evalue


def test_a_livy_host_without_a_service_principal_is_named(realm, proxy, tmp_path):
    cache = tmp_path / "alice.ccache"
    realm.kinit(cache)
    # the proxy's principal is HTTP/localhost; by its address the KDC knows no HTTP/127.0.0.1
    evalue = _first_cell_error(kernel_env(realm, proxy, cache, LIVY_URL=proxy.url("127.0.0.1")))
    assert ("The KDC of TEST.LIVY has no principal HTTP/127.0.0.1 for Livy: put the host name that Livy's Kerberos"
            " principal is for in the URL, or set it as hostname_override in kerberos_auth_configuration.") in evalue, evalue
