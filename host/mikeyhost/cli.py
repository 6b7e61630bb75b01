"""The `mikey` command line."""

import argparse
import sys

from mikeyhost import __version__


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mikey",
        description="MIKEY (RFC 3830) key management: the PC side of the "
                    "device firmware.")
    p.add_argument("--version", action="version", version=f"mikey {__version__}")
    p.add_subparsers(dest="command", metavar="COMMAND")
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
