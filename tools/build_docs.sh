#!/usr/bin/env bash
# Builds the documentation site into build/docs (open build/docs/index.html).
#
#   tools/build_docs.sh
#
# Uses the Python of the active virtual environment (else ./.venv), which must have numrep
# installed: the Python reference is generated from the installed package. Installs the `docs`
# extra's packages (pyproject.toml) into it when they are missing, runs Doxygen on the public
# C++ headers (docs/doxygen/Doxyfile; Debian: apt-get install doxygen) and then Sphinx with
# warnings as errors: any warning, from Doxygen or Sphinx, fails the build (exit status 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

python=python
if ! "$python" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)' 2>/dev/null; then
  if [ -x "$root/.venv/bin/python" ]; then
    python="$root/.venv/bin/python"
  else
    echo "build_docs: no virtual environment is active and there is no .venv/ (./dev demo makes one)" >&2
    exit 1
  fi
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  { echo "build_docs: the documentation tools need Python 3.11 or later" >&2; exit 1; }
"$python" -c 'import numrep' 2>/dev/null ||
  { echo "build_docs: numrep is not installed in $("$python" -c 'import sys; print(sys.prefix)') (pip install .)" >&2; exit 1; }
command -v doxygen >/dev/null ||
  { echo "build_docs: doxygen is missing (Debian: apt-get install doxygen)" >&2; exit 1; }

# The docs extra's requirements that are not installed at the pinned version.
missing=$("$python" - <<'EOF'
import importlib.metadata as metadata
import re
import tomllib

with open("pyproject.toml", "rb") as f:
    requirements = tomllib.load(f)["project"]["optional-dependencies"]["docs"]
for requirement in requirements:
    name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", requirement).groups()
    try:
        if metadata.version(name) == version:
            continue
    except metadata.PackageNotFoundError:
        pass
    print(requirement)
EOF
)
if [ -n "$missing" ]; then
  echo "build_docs: installing $(echo $missing)"
  # shellcheck disable=SC2086  # one requirement per word
  "$python" -m pip install -q --disable-pip-version-check $missing 2>&1 | grep -v '^WARNING: Location' || true
  "$python" -c 'import sphinx, myst_parser, breathe, furo' ||
    { echo "build_docs: installing the docs extra failed" >&2; exit 1; }
fi

started=$SECONDS
# Fresh each time: the XML and Sphinx's environment are cheap to rebuild, and stale ones hide
# changes to the headers and the installed package.
rm -rf build/doxygen build/docs build/docs-doctrees
# The Doxyfile's INPUT_FILTER runs `python3` once per header: the venv's, found first, starts
# fastest (a version manager's shim costs a third of a second a call).
PATH="$("$python" -c 'import os, sys; print(os.path.dirname(sys.executable))'):$PATH" doxygen docs/doxygen/Doxyfile ||
  { echo "build_docs: Doxygen warned or failed (above)" >&2; exit 1; }
# -W: warnings are errors; --keep-going: report them all before failing; -E: no cached environment.
"$python" -m sphinx -W --keep-going -E -q -b html \
  -d build/docs-doctrees docs build/docs ||
  { echo "build_docs: the documentation has warnings or errors (above)" >&2; exit 1; }
echo "build_docs: built build/docs/index.html in $((SECONDS - started)) s"
