"""Sphinx configuration of numrep's documentation site (tools/build_docs.sh builds it).

The pages are the Markdown files in docs/ (MyST). The Python reference is autodoc run on the
installed numrep (the compiled numrep._core included); the C++ reference is breathe reading the
Doxygen XML of include/numrep/ that tools/build_docs.sh makes first (docs/doxygen/Doxyfile). The
CLI reference is the `numrep` parsers' own --help, rendered at build time by the `numrep-help`
directive below, so it cannot drift from the code.

Two checks turn gaps into warnings (and so, under -W, into a failed build): a public Python name
(numrep.__all__, numrep.dask.__all__) missing from the Python reference, and a public header
missing from the C++ reference.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
from pathlib import Path

from docutils import nodes
from pygments.lexers.special import TextLexer
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import numrep

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
DOXYGEN_XML = ROOT / "build" / "doxygen" / "xml"  # docs/doxygen/Doxyfile writes it

logger = logging.getLogger("numrep.docs")

project = "numrep"
author = "numrep maintainers"
copyright = "numrep maintainers"
release = numrep.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "breathe",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}  # .rst: the autodoc page
root_doc = "index"
exclude_patterns = ["doxygen/**"]
# The existing pages link to headings by their GitHub anchors (file-format.md#...).
myst_heading_anchors = 3
# Directives in the new pages are written :::{name}, so that tests/python/test_readme.py, which runs
# ``` blocks, can read those pages too.
myst_enable_extensions = ["colon_fence"]

html_theme = "furo"
html_title = f"numrep {release}"
html_static_path: list[str] = []

# Code blocks in the pages carry test flags after the language (```python continues,
# ```csv file=reports.csv): MyST highlights by the first word. Pygments has no CSV lexer: setup()
# adds one that shows the text as it is.
highlight_language = "text"

# Docstrings write `name` for code, as Markdown does.
default_role = "literal"

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
python_maximum_signature_line_length = 100
# numrep.dask imports pandas; a machine without it still documents the module.
autodoc_mock_imports = [name for name in ("pandas",) if importlib.util.find_spec(name) is None]

breathe_projects = {"numrep": str(DOXYGEN_XML)}
breathe_default_project = "numrep"
breathe_default_members = ("members", "undoc-members")
breathe_show_include = False
cpp_maximum_signature_line_length = 100


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse has no public way to list them
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


class NumrepHelp(SphinxDirective):
    """`:::{numrep-help} build` renders `numrep build --help` (no argument: `numrep --help`)."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        from numrep.cli import build_parser

        parser = build_parser()
        if self.arguments:
            commands = _subcommands(parser)
            if self.arguments[0] not in commands:
                raise self.error(f"numrep has no command {self.arguments[0]!r} (it has {', '.join(commands)})")
            parser = commands[self.arguments[0]]
        columns = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "80"  # the width argparse wraps to, whatever the terminal (and the page fits)
        try:
            text = parser.format_help()
        finally:
            if columns is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = columns
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


_CODE_SPAN = re.compile(r"(``.+?``|`[^`]+`)")


def _docstring_to_rst(app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]) -> None:
    """Read numrep's docstrings, written as plain text with `code` in backticks, as reStructuredText.

    Outside code, backslashes, | and * are characters, not markup (`bf |= other`, "reports/*.csv");
    an indented block after a paragraph is an example, shown as code (a doctest block stays one).
    """
    out: list[str] = []
    in_code = False
    for i, line in enumerate(lines):
        indented = line.startswith((" ", "\t"))
        if in_code and line.strip() and not indented:
            in_code = False
        if not in_code and indented and line.strip() and i > 0 and not lines[i - 1].strip():
            paragraph = next((p for p in reversed(lines[:i]) if p.strip()), "")
            if not line.lstrip().startswith(">>>") and not paragraph.startswith((" ", "\t")):
                if not paragraph.rstrip().endswith("::"):
                    out[-1:] = ["", "::", ""]  # a paragraph of "::" alone: the block is literal, no colon shown
                in_code = True
        if in_code or not line.strip():
            out.append(line)
            continue
        bullet = re.match(r"\s*[*-] ", line)
        start = bullet.end() if bullet else 0
        parts = _CODE_SPAN.split(line[start:])
        for j in range(0, len(parts), 2):  # outside code spans, backslashes, | and * are characters
            parts[j] = re.sub(r"([\\|*])", r"\\\1", parts[j])
        out.append(line[:start] + "".join(parts))
    lines[:] = out


_OUTSIDE_LINK = re.compile(r"\]\((\.\./[^)#\s]+\.md)(#[^)\s]*)?\)")


def _link_outside_files(app: Sphinx, docname: str, source: list[str]) -> None:
    """A page's link to a Markdown file outside docs/ (../benchmarks/results/scale.md) becomes a
    download of the file, as its links to headers (../include/...) already are."""
    source[0] = _OUTSIDE_LINK.sub(lambda m: f"](path:{m.group(1)})", source[0])


def _check_references(app: Sphinx, env: object) -> None:
    """Warn about public names and headers that the references leave out."""
    import numrep.dask

    documented = set(app.env.get_domain("py").objects)
    public = [f"numrep.{name}" for name in numrep.__all__ if name != "__version__"]
    public += [f"numrep.dask.{name}" for name in numrep.dask.__all__]
    for name in public:
        if name not in documented:
            logger.warning(f"{name} is public but not in the Python reference (docs/api-python.rst)")
    cpp_page = (DOCS / "api-cpp.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"doxygengroup\} (\w+)_hpp", cpp_page))
    for header in sorted(p.name for p in (ROOT / "include" / "numrep").glob("*.hpp")):
        if header.removesuffix(".hpp") not in listed:
            logger.warning(f"include/numrep/{header} is not in the C++ reference (docs/api-cpp.md)")


def _require_doxygen_xml(app: Sphinx) -> None:
    if not (DOXYGEN_XML / "index.xml").is_file():
        raise RuntimeError(f"no Doxygen XML in {DOXYGEN_XML}: build the docs with tools/build_docs.sh")


def setup(app: Sphinx) -> None:
    app.add_directive("numrep-help", NumrepHelp)
    app.add_lexer("csv", TextLexer)  # the pages' ```csv blocks: shown as they are
    app.connect("autodoc-process-docstring", _docstring_to_rst)
    app.connect("source-read", _link_outside_files)
    app.connect("builder-inited", _require_doxygen_xml)
    app.connect("env-check-consistency", _check_references)
