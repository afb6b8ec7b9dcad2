#!/usr/bin/env python3
"""Generate python/numrep/_core.pyi from the installed numrep._core with pybind11-stubgen.

    python tools/gen_stubs.py            # rewrite the checked-in stub
    python tools/gen_stubs.py --check    # exit 1 if the checked-in stub is out of date

Stubs are generated, never hand-written, so that they cannot drift from the module;
tests/python/test_stubs.py runs the check.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

STUB = pathlib.Path(__file__).resolve().parent.parent / "python" / "numrep" / "_core.pyi"


def annotate_constants(text: str) -> str:
    """The constants' types from the module's __annotations__ (set by the bindings), where
    pybind11-stubgen writes only the type of the value (`tuple`, `dict`); and what mypy --strict
    needs to accept an unhashable class."""
    import importlib

    core = importlib.import_module("numrep._core")
    for name, annotation in getattr(core, "__annotations__", {}).items():
        text, count = re.subn(rf"^{re.escape(name)}: [^=]+ = ", f"{name}: {annotation} = ", text, flags=re.MULTILINE)
        if count != 1:
            raise SystemExit(f"gen_stubs: constant {name} of numrep._core.__annotations__ is not in the stub")
    # `__hash__ = None` (unhashable, mutable) on a class: what typeshed writes for it.
    return text.replace("    __hash__: typing.ClassVar[None] = None\n",
                        "    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]\n")


def overload_parse_many(text: str) -> str:
    """parse_many's result as its input gives it: pybind11-stubgen writes the one union of NumPy,
    Arrow and polars results, so that `parse_many(a_list).tolist()` failed mypy (a polars Series
    has no tolist). A sequence or NumPy array gives a NumPy array: that overload comes first, the
    union last. (Not one for Arrow and polars columns: without their type stubs those types are
    Any to mypy, and such an overload would take every call.)"""
    pattern = re.compile(r"^def parse_many\((values: [^)]*?), (region: [^)]*?), (errors: [^)]*?)\) -> (.*?):\n",
                         flags=re.MULTILINE)
    match = pattern.search(text)
    if match is None:
        raise SystemExit("gen_stubs: parse_many is not in the stub as expected")
    _values, region, errors, result = match.groups()
    numpy_result = "numpy.typing.NDArray[numpy.uint64]"
    if not result.startswith(numpy_result):
        raise SystemExit(f"gen_stubs: parse_many returns {result}, not a NumPy array first")
    items = "str | bytes | int | PhoneNumber | None"
    # Sequence, not list: a list[str] variable is no list[str | ... | None] (list is invariant).
    kinds = f"collections.abc.Sequence[{items}] | numpy.typing.NDArray[numpy.generic]"
    overloads = f"@typing.overload\ndef parse_many(values: {kinds}, {region}, {errors}) -> {numpy_result}: ...\n"
    # The generated definition, with its docstring, becomes the last overload (a stub has no
    # implementation of an overloaded function).
    return text[:match.start()] + overloads + "@typing.overload\n" + text[match.start():]


def generate() -> str:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "pybind11_stubgen", "numrep._core", "--output-dir", out,
             "--numpy-array-use-type-var", "--exit-code"],
            check=True, capture_output=True, text=True,
        )
        return overload_parse_many(annotate_constants((pathlib.Path(out) / "numrep" / "_core.pyi").read_text()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = generate()
    if args.check:
        if not STUB.exists() or STUB.read_text() != text:
            print(f"{STUB} is out of date: run python tools/gen_stubs.py", file=sys.stderr)
            return 1
        return 0
    STUB.write_text(text)
    print(f"wrote {STUB}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
