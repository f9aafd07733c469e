"""The install script, and what a user sees when configuration or Livy is wrong."""
import json
import os
import socket
import subprocess
import sys

from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, ROOT, run_cell


def _install(*args):
    return subprocess.run([str(ROOT / "install"), *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHON": sys.executable}, timeout=600)


def test_install_is_idempotent_and_uninstall_removes(tmp_path):
    first = _install("--prefix", str(tmp_path))
    assert first.returncode == 0, first.stderr
    spec_dir = tmp_path / "share" / "jupyter" / "kernels" / KERNEL_NAME
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["display_name"] == "PySpark (Livy)"
    assert spec["language"] == "python"
    assert spec["interrupt_mode"] == "message"
    assert spec["argv"][-1] == "{connection_file}"
    jar = spec["argv"][spec["argv"].index("-jar") + 1]
    assert os.path.isfile(jar)
    # The AWS SDK stays out of the kernel's jar and goes beside it, with the classes that use it.
    aws_lib = {p.name for p in (spec_dir / "aws-lib").iterdir()}
    assert {"livy-kernel-aws.jar", "s3-2.57.8.jar", "emr-2.57.8.jar", "url-connection-client-2.57.8.jar"} <= aws_lib, aws_lib
    assert not any(n.startswith(("netty-nio-client", "apache-client", "apache5-client")) for n in aws_lib), aws_lib
    assert os.path.dirname(jar) == str(spec_dir)
    assert os.access(spec["argv"][0], os.X_OK)
    assert {"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"} <= {p.name for p in spec_dir.iterdir()}
    assert os.access(spec["env"]["LIVY_KERNEL_DEFAULT_PYTHON"], os.X_OK)

    second = _install("--prefix", str(tmp_path))
    assert second.returncode == 0, second.stderr
    assert "Building" not in second.stdout, "an unchanged tree must not be rebuilt"

    gone = _install("--prefix", str(tmp_path), "--uninstall")
    assert gone.returncode == 0
    assert not spec_dir.exists()


def test_install_rejects_unknown_options():
    bad = _install("--frobnicate")
    assert bad.returncode == 2
    assert "unknown option '--frobnicate'" in bad.stderr


def test_malformed_config_is_reported_and_the_kernel_still_works(tmp_path):
    conf = tmp_path / "sparkmagic"
    conf.mkdir()
    (conf / "config.json").write_text('{"kernel_python_credentials": {"url": "http://x:8998",}')
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60,
                              env={**os.environ, "SPARKMAGIC_CONF_DIR": str(conf)})
    try:
        reply, outputs = run_cell(kc, "")
        assert reply["status"] == "ok"
        stderr = "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stderr")
        assert "config.json is not valid JSON" in stderr and "line 1" in stderr, outputs
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_unreachable_livy_is_one_clear_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60,
                              env={**os.environ, "LIVY_URL": f"http://127.0.0.1:{port}"})
    try:
        reply, outputs = run_cell(kc, "print(1)", timeout=120)
        assert reply["status"] == "error"
        assert f"Cannot reach Livy at http://127.0.0.1:{port}" in reply["evalue"]
        assert not any("at livykernel." in line or "Exception:" in line for line in reply["traceback"])
        # Front ends that show only the traceback (jupyter console) must show the message too.
        errors = [c for t, c in outputs if t == "error"]
        assert errors and f"Cannot reach Livy at http://127.0.0.1:{port}" in "\n".join(errors[0]["traceback"]), errors
        # The kernel keeps answering.
        reply, _ = run_cell(kc, "print(2)", timeout=120)
        assert reply["status"] == "error"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_python_without_pyspark_gives_an_install_hint(tmp_path):
    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60,
                              env={**os.environ, "LIVY_KERNEL_PYTHON": str(bare / "bin" / "python")})
    try:
        reply, outputs = run_cell(kc, "print(1)", timeout=180)
        assert reply["status"] == "error"
        assert reply["ename"] == "SessionError"
        assert "pip install pyspark" in reply["evalue"], reply["evalue"]
        assert "pip install pyspark" in "\n".join(reply["traceback"]), reply["traceback"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_sparkmagic_config_is_read_from_dollar_home(tmp_path):
    """$HOME, as Jupyter and sparkmagic read it, not the JVM's passwd-based user.home, finds the config."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / ".sparkmagic").mkdir()
    (tmp_path / ".sparkmagic" / "config.json").write_text(
        json.dumps({"kernel_python_credentials": {"url": f"http://127.0.0.1:{port}"}}))
    env = {k: v for k, v in os.environ.items() if k != "SPARKMAGIC_CONF_DIR"}
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60, env={**env, "HOME": str(tmp_path)})
    try:
        _, outputs = run_cell(kc, "%%info", timeout=120)
        text = "".join(c["data"]["text/plain"] for t, c in outputs if t == "display_data")
        assert f"http://127.0.0.1:{port}" in text, outputs
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
