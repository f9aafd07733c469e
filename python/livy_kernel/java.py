"""Which Java runs the kernel: the `launch` script beside this file decides, at install time as
at every kernel start, so the two cannot disagree."""
import subprocess
from pathlib import Path

LAUNCH = Path(__file__).with_name("launch")


class JavaMissing(Exception):
    """No Java 17+ was found; the message is the launcher's one sentence."""


def find_java():
    """The resolved path of a Java 17 or newer from JAVA_HOME or PATH."""
    done = subprocess.run(["/bin/sh", str(LAUNCH), "--find"], capture_output=True, text=True)
    if done.returncode != 0:
        raise JavaMissing(done.stderr.strip() or "livy-kernel cannot find a Java 17 or newer.")
    return str(Path(done.stdout.strip()).resolve())


def exec_jar(jar, args):
    """Replaces this process by `java -jar JAR ARGS` with the Java the launcher picks."""
    import os
    argv = ["/bin/sh", str(LAUNCH), "", "-jar", str(jar), *args]
    os.execv(argv[0], argv)
