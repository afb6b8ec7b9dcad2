"""Building without xxHash's header stops at once, saying how to get it (issue 12, item 5).

numrep uses xxHash header-only, so building numrep (the wheel from the sdist, a CMake project that
adds numrep, or one that finds the installed numrep) needs xxhash.h, 0.8.0 or later. Without it the
first line of CMake's error message names the commands that install it (cmake/numrepXxhash.cmake).
These tests only configure (about a second each): the system's header is hidden by re-rooting
CMake's header search in an empty directory (CMAKE_FIND_ROOT_PATH, mode ONLY for includes).

The distributions themselves (sdist contents, twine check, the wheel in a fresh venv) are checked
by tools/check_package.sh, a step of ./dev test.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CMAKE = shutil.which("cmake")
pytestmark = pytest.mark.skipif(CMAKE is None or not any(shutil.which(c) for c in ("c++", "g++", "clang++")),
                                reason="needs cmake and a C++ compiler")

INSTALL_LINE = ("apt-get install libxxhash-dev (Debian/Ubuntu), dnf install xxhash-devel (Fedora; EPEL on "
                "RHEL/AlmaLinux), apk add xxhash-dev (Alpine), brew install xxhash (macOS)")
ONLY_NUMREP = ["-DNUMREP_BUILD_TESTS=OFF", "-DNUMREP_BUILD_BENCHMARKS=OFF", "-DNUMREP_BUILD_EXAMPLES=OFF"]


def hide_system_headers(empty: Path) -> list[str]:
    empty.mkdir(exist_ok=True)
    return [f"-DCMAKE_FIND_ROOT_PATH={empty}", "-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY"]


def configure(source: Path, build: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CMAKE), "-S", str(source), "-B", str(build), *args],
                          capture_output=True, text=True, timeout=120, check=False)


def error_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines of CMake's first error message, from its 'CMake Error at' line on."""
    lines = done.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("CMake Error"))
    return [line.strip() for line in lines[start:] if line.strip()]


def test_without_the_header_the_first_line_of_the_error_names_the_install_commands(tmp_path):
    done = configure(ROOT, tmp_path / "build", *ONLY_NUMREP, *hide_system_headers(tmp_path / "empty"))
    assert done.returncode != 0
    lines = error_lines(done)
    assert lines[0].startswith("CMake Error at CMakeLists.txt:"), lines
    # The message's first line, unbroken: CMake prints lines that start with a space as they are.
    assert lines[1] == f"numrep needs xxHash's header xxhash.h (0.8.0 or later): {INSTALL_LINE}"
    assert "-DNUMREP_XXHASH_INCLUDE_DIR=DIR" in lines[2]
    assert "Configuring incomplete" in done.stdout + done.stderr


def test_a_header_older_than_0_8_0_is_refused(tmp_path):
    old = tmp_path / "xxhash-0.7.3"
    old.mkdir()
    (old / "xxhash.h").write_text("#define XXH_VERSION_MAJOR    0\n#define XXH_VERSION_MINOR    7\n"
                                  "#define XXH_VERSION_RELEASE  3\n")
    done = configure(ROOT, tmp_path / "build", *ONLY_NUMREP, f"-DNUMREP_XXHASH_INCLUDE_DIR={old}")
    assert done.returncode != 0
    line = error_lines(done)[1]
    assert line.startswith(f"numrep needs xxHash 0.8.0 or later, found 0.7.3 ({old / 'xxhash.h'})"), line
    assert line.endswith(INSTALL_LINE)


def test_a_directory_without_the_header_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    done = configure(ROOT, tmp_path / "build", *ONLY_NUMREP, f"-DNUMREP_XXHASH_INCLUDE_DIR={empty}")
    assert done.returncode != 0
    assert error_lines(done)[1] == (f"numrep: NUMREP_XXHASH_INCLUDE_DIR is {empty}, which holds no xxhash.h. "
                                    f"Install xxHash's header: {INSTALL_LINE}")


def test_find_package_without_the_header_says_how_to_get_it(tmp_path):
    # Install numrep (header-only: configure and install, nothing to compile), then configure a
    # project that finds it, with the header hidden from that project only.
    prefix = tmp_path / "prefix"
    assert configure(ROOT, tmp_path / "numrep", *ONLY_NUMREP, f"-DCMAKE_INSTALL_PREFIX={prefix}").returncode == 0
    installed = subprocess.run([str(CMAKE), "--install", str(tmp_path / "numrep")], capture_output=True, text=True,
                               timeout=120, check=False)
    assert installed.returncode == 0, installed.stderr
    app = tmp_path / "app"
    app.mkdir()
    (app / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.21)\nproject(app LANGUAGES CXX)\n"
                                        "find_package(numrep REQUIRED)\n")
    done = configure(app, tmp_path / "app-build", f"-DCMAKE_PREFIX_PATH={prefix}",
                     *hide_system_headers(tmp_path / "empty"))
    assert done.returncode != 0
    text = " ".join(done.stderr.split())
    assert f"numrep needs xxHash's header xxhash.h (0.8.0 or later): {INSTALL_LINE}" in text, done.stderr
