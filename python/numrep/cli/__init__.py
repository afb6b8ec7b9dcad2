"""The `numrep` command line: one module per command, output formatting in `output`.

    numrep info NUMBER... [--json] [--region VN]     what the plan says about numbers of any region ('-': stdin)
    numrep build REPORTS... -o DB [--preset ftc]     a reputation database from CSV reports
    numrep check -d DB NUMBER... [--json]            verdicts on numbers ('-': stdin)
    numrep stats -d DB [--json] [--plot FILE.png]    what a database holds, by carrier, type, region, area, ...
    numrep upgrade DB [--region US]                  rewrite a database in the current format
    numrep demo                                      a tour of what numrep does

Each command module (info, build, check, stats, upgrade, demo) has `add_parser(commands)`, which declares
its options, and `run(args) -> exit status`. Errors are one line on stderr and a non-zero exit
status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import _core
from . import build, check, demo, info, stats, upgrade
from .common import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE

__all__ = ["build_parser", "describe_error", "main"]

COMMANDS = (info, build, check, stats, upgrade, demo)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as argparse does, without the usage dump
        self.exit(EXIT_USAGE, f"numrep: {message} (see numrep --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="numrep", description="Phone-number reputation: parsing, carriers, stores.")
    parser.add_argument("--version", action="version", version=f"numrep {_core.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def describe_error(error: BaseException) -> str:
    """One line for people: numrep's own messages without their prefix, OS errors with the file."""
    if isinstance(error, OSError) and error.strerror:
        message = error.strerror.removeprefix("numrep: ")
        if error.filename is not None and str(error.filename) not in message:
            message = f"{error.filename}: {message}"
        return message
    return str(error).removeprefix("numrep: ").replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "count", 1) <= 0:
        print("numrep: --count must be positive", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except (ValueError, OSError, RuntimeError) as error:
        if isinstance(error, BrokenPipeError):
            return EXIT_OK
        print(f"numrep: {describe_error(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
