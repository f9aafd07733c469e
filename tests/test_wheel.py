"""The wheel as an admin uses it: built by scripts/build-wheel, pip-installed into a fresh venv,
`livy-kernel install` writing one kernelspec per cluster; and the one sentence when there is no
Java 17+ (at install and at kernel start)."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

from conftest import ROOT, LocalLivy, run_cell

APT_HINT = "apt-get install openjdk-17-jre-headless"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dist")
    built = subprocess.run([str(ROOT / "scripts" / "build-wheel"), "--out", str(tmp)],
                           capture_output=True, text=True, check=True, timeout=600)
    path = built.stdout.strip().splitlines()[-1]
    assert path.endswith("-py3-none-any.whl") and os.path.isfile(path), built.stdout
    return path


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh venv holding only the wheel (no Jupyter: the project venv's clients drive the kernels)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=300)
    subprocess.run([str(env / "bin" / "pip"), "install", "-q", "--no-deps", "--no-index", wheel],
                   check=True, timeout=300)
    return env


def livy_kernel(venv, *args, env=None):
    return subprocess.run([str(venv / "bin" / "livy-kernel"), *args], capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.fixture
def jupyter_path(tmp_path, monkeypatch):
    """A prefix to install into, searched first by the project's Jupyter clients."""
    data = tmp_path / "share" / "jupyter"
    monkeypatch.setenv("JUPYTER_PATH", str(data) + os.pathsep + os.environ.get("JUPYTER_PATH", ""))
    return tmp_path


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_wheel_kernelspec_runs_the_quickstart(venv, jupyter_path):
    done = livy_kernel(venv, "install", "--prefix", str(jupyter_path), "--name", "livy-wheel",
                       "--env", "LIVY_KERNEL_DEFAULT_PYTHON=" + sys.executable)
    assert done.returncode == 0, done.stderr
    spec_dir = jupyter_path / "share" / "jupyter" / "kernels" / "livy-wheel"
    spec = json.loads((spec_dir / "kernel.json").read_text())
    jar = spec["argv"][spec["argv"].index("-jar") + 1]
    assert jar.startswith(str(venv)) and jar.endswith("site-packages/livy_kernel/resources/livy-kernel.jar"), jar
    # The AWS SDK for %%logs --s3 is beside the wheel's jar, where the kernel looks for it.
    aws_lib = {p.name for p in (Path(jar).parent / "aws-lib").iterdir()}
    assert {"livy-kernel-aws.jar", "s3-2.57.8.jar", "emr-2.57.8.jar"} <= aws_lib, aws_lib
    assert any(a.startswith("-XX:SharedArchiveFile=") for a in spec["argv"]), "no AppCDS archive was made"
    assert "kernel_info" not in done.stderr and "training cell" not in done.stderr, \
        "the AppCDS training run failed: " + done.stderr
    # The training ran a cell on a Livy: the HTTP client and the statement's classes are in the archive.
    jsa = next(a for a in spec["argv"] if a.startswith("-XX:SharedArchiveFile="))
    listed = subprocess.run([spec["argv"][1], jsa, "-XX:+PrintSharedArchiveAndExit", "-cp", jar],
                            capture_output=True, text=True, timeout=120).stdout
    archived = {line.split()[1] for line in listed.splitlines() if line.strip()[:1].isdigit() and len(line.split()) > 1}
    assert {"okhttp3.OkHttpClient", "livykernel.livy.Statement", "livykernel.execution.StatementRunner"} <= archived, \
        sorted(a for a in archived if a.startswith("livykernel"))[:50]
    # No Jupyter in that venv, and a prefix other than its own: the stock provisioner.
    assert "kernel_provisioner" not in spec["metadata"], spec["metadata"]
    assert {"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"} <= {p.name for p in spec_dir.iterdir()}

    nb = nbformat.read(str(ROOT / "examples" / "quickstart.ipynb"), as_version=4)
    # The notebook runs on the embedded endpoint, whose Python driver comes from the wheel's jar.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVY_")}
    NotebookClient(nb, kernel_name="livy-wheel", timeout=600, startup_timeout=60,
                   resources={"metadata": {"path": str(jupyter_path)}}).execute(env=env)
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "1000" in texts, texts
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]

    gone = livy_kernel(venv, "uninstall", "--prefix", str(jupyter_path), "--name", "livy-wheel")
    assert gone.returncode == 0 and not spec_dir.exists(), gone.stdout + gone.stderr


def info_text(kernel_name):
    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=60)
    try:
        reply, outputs = run_cell(kc, "%%info", timeout=120)
        return "".join(c["data"]["text/plain"] for t, c in outputs if t == "display_data")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_one_kernelspec_per_cluster(venv, jupyter_path):
    # The wheel's own entry runs the dev cluster's endpoint: `python -m livy_kernel local-livy`.
    livy = LocalLivy("--no-auth", command=(str(venv / "bin" / "python"), "-m", "livy_kernel"))
    try:
        clusters = {"livy-dev": ("PySpark (dev)", livy.url),
                    "livy-prod": ("PySpark (prod)", "http://127.0.0.1:%d" % closed_port())}
        for name, (display, url) in clusters.items():
            done = livy_kernel(venv, "install", "--prefix", str(jupyter_path), "--name", name,
                               "--display-name", display, "--env", "LIVY_URL=" + url)
            assert done.returncode == 0, done.stderr
        specs = KernelSpecManager().get_all_specs()
        for name, (display, url) in clusters.items():
            assert specs[name]["spec"]["display_name"] == display
            assert specs[name]["spec"]["env"] == {"LIVY_URL": url}
            assert url in info_text(name), name
        assert livy.get("/sessions").json()["sessions"] == []
    finally:
        livy.stop()


def test_secrets_are_refused_on_the_command_line(venv, tmp_path):
    for secret in ("LIVY_PASSWORD=hunter2", "AWS_SECRET_ACCESS_KEY=x", "LIVY_CLIENT_KEY_PASSWORD=x", "GITHUB_TOKEN=x"):
        done = livy_kernel(venv, "install", "--prefix", str(tmp_path), "--env", secret)
        assert done.returncode == 2, secret
        assert "config.json" in done.stderr and "hunter2" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "share").exists()


@pytest.fixture
def java_11(tmp_path):
    """A JDK whose release file says 11: what the launcher reads to tell a Java's version."""
    home = tmp_path / "jdk-11"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("#!/bin/sh\nexit 3\n")
    (home / "bin" / "java").chmod(0o755)
    (home / "release").write_text('IMPLEMENTOR="Test"\nJAVA_VERSION="11.0.21"\n')
    return home


def no_java_env(tmp_path, **extra):
    """PATH with only bash and dirname (what ./install needs before its Java check), no JAVA_HOME."""
    bin_dir = tmp_path / "bin-without-java"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("bash", "dirname"):
        if not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(subprocess.check_output(["which", tool], text=True).strip())
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    return {**env, "PATH": str(bin_dir), **extra}


def assert_one_sentence(stderr, found):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert found in lines[0] and "Java 17 or newer" in lines[0] and APT_HINT in lines[0], lines[0]


def test_install_without_java_17_says_so(venv, tmp_path, java_11):
    done = livy_kernel(venv, "install", "--prefix", str(tmp_path), env=no_java_env(tmp_path))
    assert done.returncode == 1
    assert_one_sentence(done.stderr, "found no java on PATH or in JAVA_HOME")
    done = livy_kernel(venv, "install", "--prefix", str(tmp_path), env=no_java_env(tmp_path, JAVA_HOME=str(java_11)))
    assert done.returncode == 1
    assert_one_sentence(done.stderr, "found Java 11 at %s/bin/java" % java_11)
    assert not (tmp_path / "share").exists()

    script = subprocess.run([str(ROOT / "install"), "--prefix", str(tmp_path)], capture_output=True, text=True,
                            env=no_java_env(tmp_path, PYTHON=sys.executable), timeout=300)
    assert script.returncode == 1
    assert_one_sentence(script.stderr, "found no java on PATH or in JAVA_HOME")


def test_kernel_start_without_java_17_says_so(venv, tmp_path, java_11):
    done = livy_kernel(venv, "install", "--prefix", str(tmp_path), "--name", "java-gone")
    assert done.returncode == 0, done.stderr
    argv = json.loads((tmp_path / "share/jupyter/kernels/java-gone/kernel.json").read_text())["argv"]
    # As if the Java found at install time had been removed since.
    argv[1] = str(tmp_path / "removed-jdk" / "bin" / "java")
    argv[-1] = str(tmp_path / "connection.json")
    for env, found in ((no_java_env(tmp_path), "found no java on PATH or in JAVA_HOME"),
                       (no_java_env(tmp_path, JAVA_HOME=str(java_11)), "found Java 11 at")):
        start = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        assert start.returncode == 1
        assert_one_sentence(start.stderr, found)


START_THROUGH_THE_PROVISIONER = """
import json, socket, sys
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name=sys.argv[1])
km.start_kernel(env={k: v for k, v in __import__("os").environ.items() if not k.startswith("LIVY_")})
info = km.get_connection_info()
listening = {}
for name in ("shell_port", "iopub_port", "control_port"):
    try:
        socket.create_connection(("127.0.0.1", info[name]), timeout=1).close()
        listening[name] = True
    except OSError:
        listening[name] = False
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
print(json.dumps({"provisioner": type(km.provisioner).__name__, "listening": listening}))
kc.stop_channels()
km.shutdown_kernel(now=True)
"""


def test_in_the_jupyter_environment_the_kernel_starts_through_its_provisioner(wheel, tmp_path):
    """pip install of the wheel into Jupyter's own environment, then `livy-kernel install --sys-prefix`:
    the kernelspec names the wheel's provisioner, and the kernel start returns once the kernel
    listens, so the client's first connection attempt finds it (no 0.1-0.2 s ZeroMQ retry)."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(site),
                    wheel], check=True, timeout=300)
    env = dict(os.environ, PYTHONPATH=str(site))
    name = "livy-provisioner-%d" % os.getpid()
    installer = [sys.executable, "-m", "livy_kernel"]
    done = subprocess.run(installer + ["install", "--sys-prefix", "--name", name, "--env",
                                       "LIVY_URL=http://127.0.0.1:%d" % closed_port()],
                          capture_output=True, text=True, timeout=300, env=env)
    try:
        assert done.returncode == 0, done.stderr
        assert "with livy-kernel's provisioner" in done.stdout, done.stdout
        spec_dir = Path(sys.prefix) / "share" / "jupyter" / "kernels" / name
        spec = json.loads((spec_dir / "kernel.json").read_text())
        assert spec["metadata"]["kernel_provisioner"] == {"provisioner_name": "livy-kernel-provisioner"}

        started = subprocess.run([sys.executable, "-c", START_THROUGH_THE_PROVISIONER, name], capture_output=True,
                                 text=True, timeout=300, env=env)
        assert started.returncode == 0, started.stderr
        seen = json.loads(started.stdout.strip().splitlines()[-1])
        assert seen["provisioner"] == "ListeningProvisioner", seen
        assert all(seen["listening"].values()), seen

        # Elsewhere than this environment's own share/jupyter, other Jupyters may read the kernelspec: no provisioner.
        other = subprocess.run(installer + ["install", "--prefix", str(tmp_path / "other"), "--name", name],
                               capture_output=True, text=True, timeout=300, env=env)
        assert other.returncode == 0, other.stderr
        other_spec = json.loads((tmp_path / "other" / "share" / "jupyter" / "kernels" / name / "kernel.json").read_text())
        assert "kernel_provisioner" not in other_spec["metadata"]
    finally:
        subprocess.run(installer + ["uninstall", "--sys-prefix", "--name", name], capture_output=True, timeout=60, env=env)


def test_the_provisioner_stops_waiting_for_a_kernel_that_died(monkeypatch):
    import asyncio
    monkeypatch.syspath_prepend(str(ROOT / "python"))
    from livy_kernel.provisioner import wait_listening
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert asyncio.run(wait_listening("127.0.0.1", [listener.getsockname()[1]], lambda: True, timeout=10))
    assert not asyncio.run(wait_listening("127.0.0.1", [closed_port()], lambda: False, timeout=10))
    assert not asyncio.run(wait_listening("127.0.0.1", [closed_port()], lambda: True, timeout=0.05))
