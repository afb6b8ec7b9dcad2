"""The `numrep` command line: one module per command, output formatting in `output`.

    numrep info NUMBER... [--json] [--region VN]     what the plan says about numbers of any region ('-': stdin)
    numrep build REPORTS... -o DB [--preset ftc]     a reputation database from CSV or Parquet reports (or globs)
    numrep check -d DB NUMBER... [--json]            verdicts on numbers ('-': stdin)
    numrep stats -d DB [--json] [--plot FILE.png]    what a database holds, by carrier, type, region, area, ...
    numrep upgrade DB [--region US]                  rewrite a database in the current format
    numrep demo                                      a tour of what numrep does

Each command module (info, build, check, stats, upgrade, demo) has `add_parser(commands)`, which declares
its options, and `run(args) -> exit status`. Errors are one line on stderr and a non-zero exit
status, never a traceback (main catches what the commands raise); Ctrl-C exits 130 quietly, and
so does a closed pipe (with status 0).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import os
import sys
import typing
from collections.abc import Sequence
from typing import NoReturn

from .. import _core
from . import build, check, demo, info, stats, upgrade
from .common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError
from .output import terminal_safe

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
        if error.filename is not None and os.fsdecode(error.filename) not in message:
            message = f"{os.fsdecode(error.filename)}: {message}"
        return terminal_safe(message.replace("\n", " "))
    return terminal_safe((str(error).removeprefix("numrep: ") or type(error).__name__).replace("\n", " "))


class _StdoutFailed(Exception):
    """Writing to standard output failed (a full disk, /dev/full): not an OSError, so that
    argparse, which swallows those when it prints --help, lets it through, and so that the
    message can say it was standard output rather than a file."""


class _GuardedStdout:
    """sys.stdout for one command: its write errors (but a closed pipe, which ends a command
    quietly) become _StdoutFailed."""

    def __init__(self, stream: typing.TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _StdoutFailed(describe_error(error)) from error

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _StdoutFailed(describe_error(error)) from error

    def __getattr__(self, name: str) -> typing.Any:
        return getattr(self._stream, name)


def _quiet_stdout() -> None:
    """Send what is left in stdout's buffer to /dev/null: once the reader of a pipe is gone, the
    flush at exit would otherwise print "Exception ignored ... BrokenPipeError"."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no stdout, or not a file
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _escape_what_cannot_be_written(error: UnicodeError) -> tuple[str | bytes, int]:
    """The standard streams' error handler: bytes that were no UTF-8 (lone surrogates
    U+DC80..U+DCFF, as surrogateescape reads them) go out as those bytes again; a character the
    stream's encoding lacks (a Vietnamese name in a message, under PYTHONIOENCODING=latin-1) as a
    backslash escape, instead of failing a command whose work is done."""
    if isinstance(error, UnicodeEncodeError):
        code = ord(error.object[error.start])
        if not 0xDC80 <= code <= 0xDCFF:
            return (f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"), error.start + 1
    return codecs.lookup_error("surrogateescape")(error)


_STREAM_ERRORS = "numrep.streams"
codecs.register_error(_STREAM_ERRORS, _escape_what_cannot_be_written)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure is one `numrep: ...` line on stderr and a non-zero status
    (2 for usage errors, 1 for bad input, files and the system, 130 for Ctrl-C, 70 for a bug).
    NUMREP_TRACEBACK=1 in the environment shows the traceback of a bug instead."""
    command = "numrep"
    # A closed standard error (2>&-) would send error lines to stdout, into --json output; a
    # closed standard output (>&-) lost the output with status 0 (or was a bug, with --json).
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the rest of the process
    if sys.stdout is None:
        return _fail("standard output is closed (redirect it to /dev/null to discard the output)",
                     EXIT_BAD_INPUT)
    stdout = sys.stdout
    sys.stdout = typing.cast(typing.TextIO, _GuardedStdout(stdout))
    _core._set_lock_busy_callback(_say_waiting_for_lock)
    try:
        for stream in (sys.stdin, stdout, sys.stderr):  # undecodable input reaches the parser and back
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(errors=_STREAM_ERRORS)
        try:
            args = build_parser().parse_args(argv)
        except SystemExit:  # --help, --version: what argparse wrote, flushed where a failure is caught
            sys.stdout.flush()
            raise
        command = f"numrep {args.command}"
        status = int(args.run(args))
        sys.stdout.flush()  # here, where a failure is caught, not at exit
        return status
    except UsageError as error:
        return _fail(f"{error} (see numrep {command.removeprefix('numrep ')} --help)", EXIT_USAGE)
    except _StdoutFailed as error:
        _quiet_stdout()  # what is left in the buffer cannot be written at exit either
        return _fail(f"cannot write to standard output: {error}", EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED  # quietly, as a shell's own commands do
    except BrokenPipeError:  # the reader (head, less) has all it wants
        _quiet_stdout()
        return EXIT_OK
    except MemoryError:
        return _fail(f"out of memory in `{command}` (try a smaller input or --count)", EXIT_BAD_INPUT)
    except (ValueError, OSError, RuntimeError, OverflowError) as error:
        return _fail(describe_error(error), EXIT_BAD_INPUT)
    except ImportError as error:
        # numrep's own ("numrep: reading Parquet files needs pyarrow and pandas: pip install ...")
        # name a package to install, not a bug; any other is one.
        if str(error).startswith("numrep"):
            return _fail(describe_error(error), EXIT_BAD_INPUT)
        return _internal_error(command, error)
    except Exception as error:
        return _internal_error(command, error)
    finally:
        _core._set_lock_busy_callback(None)
        sys.stdout = stdout


def _internal_error(command: str, error: BaseException) -> int:
    """A failure that is numrep's bug, said as one (or raised with NUMREP_TRACEBACK set); called
    while the error is being handled."""
    if os.environ.get("NUMREP_TRACEBACK"):
        raise  # the error being handled
    return _fail(f"internal error in `{command}`: {type(error).__name__}: {describe_error(error)} "
                 "(a bug; NUMREP_TRACEBACK=1 shows where)", EXIT_INTERNAL)


def _say_waiting_for_lock(lock_path: str) -> None:
    """A build or upgrade whose database another process is writing waits for it to finish, for
    as long as that takes (a Dask build: hours): said once, rather than sit silent."""
    database = os.path.dirname(lock_path)
    with contextlib.suppress(OSError, ValueError):
        print(f"numrep: waiting for another process writing the database at {_core._escaped(database)} to finish "
              f"(it holds {_core._escaped(lock_path)}); Ctrl-C gives up", file=sys.stderr, flush=True)


def _fail(message: str, status: int) -> int:
    """The one line of a failure on stderr (if stderr is gone too, the status alone says it)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"numrep: {message}", file=sys.stderr, flush=True)
    return status
