#!/usr/bin/env bash
# Checks numrep's Python distributions (numrep-phone) as a user gets them:
#
#   1. `python -m build`: the sdist, then the wheel built from that sdist (not from the clone), so
#      a file the build needs but the sdist lacks fails here;
#   2. `twine check --strict` on both (metadata, README rendering);
#   3. the sdist holds what the build needs and none of the development tree (build outputs,
#      .venv, benchmarks and their results, tests, fuzz corpora), and stays small;
#   4. the wheel holds the package, the extension, the stubs and both licences (numrep's, and
#      xxHash's notice for the code compiled in), and nothing else;
#   5. a fresh virtual environment installs the wheel (NumPy comes from PyPI) and runs
#      tools/smoke_wheel.py from a temporary directory.
#
#   tools/check_package.sh                 builds into a temporary directory (compiles the extension)
#   tools/check_package.sh --dist DIR      checks the sdist and wheel already in DIR (./dev test builds
#                                          them once, installs that wheel into .venv and passes DIR)
#
# PYTHON names the Python that has `build` and `twine` (the test extra); default: .venv's, else python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-}
if [ -z "$python" ]; then
  if [ -x "$root/.venv/bin/python" ]; then python="$root/.venv/bin/python"; else python=python3; fi
fi

dist=""
case "${1:-}" in
  --dist) dist=${2:?"usage: tools/check_package.sh [--dist DIR]"} ;;
  "") ;;
  *) echo "usage: tools/check_package.sh [--dist DIR]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/numrep-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "check_package: $*" >&2; exit 1; }
step_started=$SECONDS
done_step() { echo "  $1 ($((SECONDS - step_started)) s)"; step_started=$SECONDS; }
quiet_pip() { grep -v -e '^WARNING: Location' -e '^$' || true; }  # pip.conf here names missing indexes

if [ -z "$dist" ]; then
  dist="$work/dist"
  echo "  python -m build: the sdist, then the wheel from it (compiles the extension; a few minutes)"
  log="$work/build.log"
  "$python" -m build --outdir "$dist" "$root" >"$log" 2>&1 || { tail -n 60 "$log" >&2; fail "python -m build failed"; }
  done_step "built"
fi

shopt -s nullglob
sdists=("$dist"/numrep_phone-*.tar.gz)
wheels=("$dist"/numrep_phone-*.whl)
shopt -u nullglob
[ ${#sdists[@]} -eq 1 ] || fail "expected one numrep_phone sdist in $dist, found ${#sdists[@]}"
[ ${#wheels[@]} -eq 1 ] || fail "expected one numrep_phone wheel in $dist, found ${#wheels[@]}"
sdist=${sdists[0]} wheel=${wheels[0]}

out=$("$python" -m twine check --strict "$sdist" "$wheel" 2>&1) || { echo "$out" >&2; fail "twine check failed"; }
done_step "twine check --strict: passed"

"$python" - "$sdist" "$wheel" <<'EOF' || fail "the distributions' contents are wrong (above)"
import re
import sys
import tarfile
import zipfile
from pathlib import Path

sdist, wheel = Path(sys.argv[1]), Path(sys.argv[2])
problems = []

# The sdist: one top directory, numrep_phone-VERSION/, holding what the build reads.
with tarfile.open(sdist) as tar:
    names = [m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name and m.isfile()]
needed = ["PKG-INFO", "pyproject.toml", "CMakeLists.txt", "LICENSE", "README.md", "CHANGELOG.md",
          "cmake/numrepXxhash.cmake", "cmake/numrepConfig.cmake.in", "cmake/numrepWarnings.cmake",
          "include/numrep/numrep.hpp", "include/numrep/version.hpp", "python/CMakeLists.txt",
          "python/numrep/__init__.py", "python/numrep/_core.pyi", "python/numrep/py.typed",
          "python/src/module.cpp"]
problems += [f"sdist: {n} is missing" for n in needed if n not in names]
unwanted = re.compile(r"^(build|build-[^/]*|dist|\.venv|\.git|\.ci|benchmarks|tests|fuzz|examples|tools)/"
                      r"|(^|/)__pycache__/|\.(so|pyd|pyc|o|a)$|\.egg-info/")
problems += [f"sdist: {n} should not be in it" for n in names if unwanted.search(n)]
tops = sorted({n.split("/", 1)[0] for n in names})
limit = 2_000_000
if sdist.stat().st_size > limit:
    problems.append(f"sdist: {sdist.stat().st_size:,} bytes, more than {limit:,}: what grew?")
print(f"  sdist {sdist.name}: {len(names)} files, {sdist.stat().st_size / 1e6:.2f} MB: {' '.join(tops)}")

# The wheel: the numrep package and its .dist-info, nothing else.
with zipfile.ZipFile(wheel) as whl:
    names = whl.namelist()
info = next((n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info")), "?")
for pattern in [r"numrep/__init__\.py", r"numrep/_core\.[^/]*\.(so|pyd)", r"numrep/_core\.pyi", r"numrep/py\.typed",
                r"numrep/cli/__init__\.py", rf"{re.escape(info)}/licenses/LICENSE",
                rf"{re.escape(info)}/licenses/xxHash-LICENSE\.txt", rf"{re.escape(info)}/entry_points\.txt"]:
    if not any(re.fullmatch(pattern, n) for n in names):
        problems.append(f"wheel: nothing matches {pattern}")
problems += [f"wheel: {n} should not be in it" for n in names
             if not (n.startswith(("numrep/", info + "/")) and "__pycache__" not in n)]
print(f"  wheel {wheel.name}: {len(names)} files, {wheel.stat().st_size / 1e6:.2f} MB")

for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
done_step "contents of the sdist and the wheel: as expected"

"$python" -m venv "$work/venv"
out=$("$work/venv/bin/python" -m pip install --disable-pip-version-check -q "$wheel" 2>&1) ||
  { echo "$out" | quiet_pip >&2; fail "pip install of $wheel into a fresh venv failed"; }
done_step "installed into a fresh venv: $("$work/venv/bin/python" -m pip list --format=freeze --disable-pip-version-check 2>/dev/null |
  grep -v -e '^pip=' -e '^setuptools=' | tr '\n' ' ')"
(cd "$work" && "$work/venv/bin/python" "$root/tools/smoke_wheel.py") || fail "the smoke test of the installed wheel failed"
done_step "smoke test passed"
