"""The `livy-kernel` command: install and uninstall kernelspecs, run the embedded Livy endpoint."""
import argparse
import re
import sys
from pathlib import Path

from livy_kernel import kernelspec
from livy_kernel.java import JavaMissing, exec_jar, find_java

# A kernelspec is a plain file that anyone who can list the kernels can read.
_SECRET = re.compile(r"PASSWORD|SECRET|TOKEN|ACCESS_KEY|CREDENTIAL|PRIVATE", re.IGNORECASE)
_ENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UsageError(Exception):
    """A mistake on the command line, said in one sentence."""


def _locations(p):
    where = p.add_mutually_exclusive_group()
    where.add_argument("--user", dest="location", action="store_const", const="user",
                       help="Jupyter's user data dir (the default)")
    where.add_argument("--sys-prefix", dest="location", action="store_const", const="sys-prefix",
                       help="share/jupyter of this Python environment (%s)" % sys.prefix)
    where.add_argument("--prefix", metavar="DIR", help="DIR/share/jupyter")
    p.add_argument("--name", default=kernelspec.DEFAULT_NAME,
                   help="kernelspec name, one per cluster (default %s)" % kernelspec.DEFAULT_NAME)


def _parser():
    parser = argparse.ArgumentParser(prog="livy-kernel", description=__doc__)
    sub = parser.add_subparsers(dest="command", metavar="{install,uninstall,local-livy}")
    inst = sub.add_parser("install", help="install a kernelspec",
                          description="Installs a kernelspec; --name, --display-name and --env make one per cluster.")
    _locations(inst)
    inst.add_argument("--display-name", help="name in the launcher (default '%s')" % kernelspec.DEFAULT_DISPLAY_NAME)
    inst.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                      help="a setting for this kernelspec's kernels, e.g. LIVY_URL=http://primary:8998 (repeatable; "
                           "secrets are refused: put them in ~/.livy-kernel/config.json or the environment)")
    # Used by ./install from a source tree: the jar and logos of the build instead of this package's.
    inst.add_argument("--jar", type=Path, help=argparse.SUPPRESS)
    inst.add_argument("--logos", type=Path, help=argparse.SUPPRESS)
    uninst = sub.add_parser("uninstall", help="remove a kernelspec")
    _locations(uninst)
    sub.add_parser("local-livy", help="run the embedded Livy-compatible endpoint (options: --port N --host H --no-auth)",
                   add_help=False)
    return parser


def parse_env(pairs):
    """KEY=VALUE pairs as a dict; a malformed pair or a secret is a UsageError."""
    env = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not _ENV_KEY.match(key):
            raise UsageError("--env wants KEY=VALUE with a variable name as KEY, got '%s'." % pair)
        if _SECRET.search(key):
            raise UsageError("--env %s looks like a secret, and a kernelspec is a plain file others can read: put it in "
                             "~/.livy-kernel/config.json (e.g. kernel_python_credentials.password) or in the environment "
                             "Jupyter starts in (AWS keys: ~/.aws/credentials or an instance role)." % key)
        env[key] = value
    return env


def _dest(args):
    kernelspec.check_name(args.name)
    location = "prefix" if args.prefix else (args.location or "user")
    return kernelspec.jupyter_data_dir(location, args.prefix) / "kernels" / args.name


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["local-livy"]:
        return _local_livy(argv[1:])
    args = _parser().parse_args(argv)
    try:
        if args.command == "install":
            return _install(args)
        if args.command == "uninstall":
            dest = _dest(args)
            print(("Removed kernelspec %s from %s" if kernelspec.uninstall(dest) else "No kernelspec %s at %s")
                  % (args.name, dest))
            return 0
    except (UsageError, ValueError) as e:
        print("livy-kernel: %s" % e, file=sys.stderr)
        return 2
    except JavaMissing as e:
        print(e, file=sys.stderr)
        return 1
    _parser().print_help(sys.stderr)
    return 2


def _install(args):
    env = parse_env(args.env)
    dest = _dest(args)
    jar = args.jar or kernelspec.RESOURCES / "livy-kernel.jar"
    if not jar.is_file():
        raise UsageError("the kernel jar %s is missing; reinstall the livy-kernel package." % jar)
    java = find_java()
    display = args.display_name or kernelspec.DEFAULT_DISPLAY_NAME
    provisioner = kernelspec.provisioner_available(dest)
    kernelspec.install(dest, java, display, env, jar=args.jar, logos=args.logos, provisioner=provisioner)
    print('Installed kernelspec %s ("%s") in %s%s' % (args.name, display, dest,
                                                      " (with livy-kernel's provisioner)" if provisioner else ""))
    return 0


def _local_livy(args):
    jar = kernelspec.RESOURCES / "livy-kernel.jar"
    if not jar.is_file():
        print("livy-kernel: the kernel jar %s is missing; reinstall the livy-kernel package." % jar, file=sys.stderr)
        return 1
    exec_jar(jar, ["local-livy", *args])
    return 1
