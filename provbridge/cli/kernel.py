"""``provbridge kernel install|remove``: the "Python 3 (provbridge)" Jupyter kernelspec."""

from __future__ import annotations

import argparse
import sys

from provbridge.errors import ProvbridgeError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    install = sub.add_parser("install", help="install the kernelspec (default: for the current user)")
    where = install.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="into the user's Jupyter data directory (default)")
    where.add_argument("--sys-prefix", action="store_true", help=f"into this environment ({sys.prefix})")
    where.add_argument("--prefix", metavar="PREFIX", help="into PREFIX/share/jupyter/kernels")
    where.add_argument("--system", action="store_true", help="system-wide (may need administrator rights)")
    install.add_argument("--name", default=None, help="kernel name (default: provbridge)")
    install.add_argument("--display-name", default=None, help='shown in Jupyter (default: "Python 3 (provbridge)")')
    remove = sub.add_parser("remove", help="remove the installed kernelspec")
    remove.add_argument("--name", default=None, help="kernel name (default: provbridge)")


def run(args: argparse.Namespace) -> int:
    from provbridge.notebook import kernelspec

    name = getattr(args, "name", None) or kernelspec.KERNEL_NAME
    action = getattr(args, "action", None)
    if action == "install":
        prefix = sys.prefix if args.sys_prefix else args.prefix
        user = not (prefix or args.system)
        try:
            path = kernelspec.install(name, user=user, prefix=prefix,
                                      display_name=args.display_name or kernelspec.DISPLAY_NAME)
        except (OSError, ValueError) as exc:
            raise ProvbridgeError(f"could not install the kernelspec: {exc}") from None
        print(f"Installed kernelspec {name} in {path}")
        return 0
    if action == "remove":
        try:
            path = kernelspec.remove(name)
        except KeyError:
            raise ProvbridgeError(f"no kernelspec named {name!r} is installed") from None
        except OSError as exc:
            raise ProvbridgeError(f"could not remove the kernelspec: {exc}") from None
        print(f"Removed {path}")
        return 0
    raise ProvbridgeError("usage: provbridge kernel install [--user|--sys-prefix|--prefix P] [--name N] "
                          "| provbridge kernel remove [--name N]")
