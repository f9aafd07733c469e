"""Writes the livy_kernel wheel (py3-none-any) with the standard library only, so it builds
offline: the package's Python files and launcher, the kernel jar (which holds the embedded
endpoint's Python driver), the AWS SDK jars of aws-lib/ beside it and the kernelspec logos, plus
the dist-info pip installs from (the `livy-kernel` console script among it). Usage: build_wheel.py JAR LOGO_DIR VERSION OUT_DIR"""
import base64
import hashlib
import sys
import zipfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent / "livy_kernel"
LOGOS = ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg")


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def build(jar, logos, version, out):
    files = [(p.relative_to(PACKAGE.parent).as_posix(), p) for p in sorted(PACKAGE.iterdir())
             if p.is_file() and p.suffix != ".pyc"]
    files.append(("livy_kernel/resources/livy-kernel.jar", Path(jar)))
    # The AWS SDK jars the kernel opens from beside its jar for the EMR log archive (%%logs --s3).
    files += [("livy_kernel/resources/aws-lib/" + p.name, p) for p in sorted((Path(jar).parent / "aws-lib").glob("*.jar"))]
    files += [("livy_kernel/resources/" + logo, Path(logos) / logo) for logo in LOGOS]
    info = "livy_kernel-%s.dist-info" % version
    meta = {
        info + "/METADATA": "Metadata-Version: 2.1\nName: livy-kernel\nVersion: %s\n"
                            "Summary: Jupyter kernel running PySpark on Apache Livy (needs Java 17+)\n"
                            "Requires-Python: >=3.8\n" % version,
        info + "/WHEEL": "Wheel-Version: 1.0\nGenerator: livy-kernel build_wheel.py\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
        info + "/entry_points.txt": "[console_scripts]\nlivy-kernel = livy_kernel.cli:main\n\n"
                                    "[jupyter_client.kernel_provisioners]\n"
                                    "livy-kernel-provisioner = livy_kernel.provisioner:ListeningProvisioner\n",
    }
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / ("livy_kernel-%s-py3-none-any.whl" % version)
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for name, path in files:
            data = path.read_bytes()
            entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            # pip keeps the executable bit of an entry, which the launcher needs.
            entry.external_attr = (0o100755 if path.stat().st_mode & 0o111 else 0o100644) << 16
            entry.compress_type = zipfile.ZIP_STORED if name.endswith(".jar") else zipfile.ZIP_DEFLATED
            z.writestr(entry, data)
            record.append(_record_line(name, data))
        for name, text in meta.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)
            record.append(_record_line(name, text.encode()))
        record.append(info + "/RECORD,,")
        z.writestr(zipfile.ZipInfo(info + "/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
    return wheel


if __name__ == "__main__":
    print(build(*sys.argv[1:5]))
