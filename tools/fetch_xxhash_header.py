"""Puts xxHash's header xxhash.h (and its LICENSE) into a directory, from a pinned file on PyPI.

numrep uses xxHash header-only. Where no package manager offers xxhash.h 0.8.0 or later (the
manylinux and musllinux images cibuildwheel builds wheels in, macOS runners without Homebrew's
xxhash), this fetches it from the one source the build machines surely reach, PyPI: the sdist
of the Python binding `xxhash` 4.1.0 carries xxHash 0.8.4's header in deps/xxhash/. The file
is pinned by URL and SHA-256, so every wheel compiles the same header.

    python tools/fetch_xxhash_header.py DIR      # writes DIR/xxhash.h and DIR/LICENSE

then point CMake at DIR (CMAKE_INCLUDE_PATH=DIR, or -DNUMREP_XXHASH_INCLUDE_DIR=DIR; pyproject.toml,
[tool.cibuildwheel]). Runs on Python 3.6 and later (the Python of a before-all step may be old).
"""

import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

URL = ("https://files.pythonhosted.org/packages/c9/b5/3d11d3830ace56d67ea83136c24385c3b07da5a9bc62b73b0b94ac096da3/"
       "xxhash-4.1.0.tar.gz")
SHA256 = "c9b288e4c1f5dae54417bc8a05e6f6daf505783d916b4783f4dd2f2e7d5db486"
MEMBERS = {"xxhash-4.1.0/deps/xxhash/xxhash.h": "xxhash.h", "xxhash-4.1.0/deps/xxhash/LICENSE": "LICENSE"}


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python tools/fetch_xxhash_header.py DIR")
    out = Path(sys.argv[1])
    with urllib.request.urlopen(URL, timeout=120) as response:
        data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        sys.exit(f"fetch_xxhash_header: {URL} has SHA-256 {digest}, expected {SHA256}")
    out.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in MEMBERS.items():
            source = tar.extractfile(member)
            if source is None:
                sys.exit(f"fetch_xxhash_header: {member} is not a file in {URL}")
            (out / name).write_bytes(source.read())
    print("fetch_xxhash_header: {} (xxHash 0.8.4, from {})".format(out / "xxhash.h", URL.rsplit("/", 1)[1]))


if __name__ == "__main__":
    main()
