#!/usr/bin/env python3
"""Doxygen INPUT_FILTER: reads numrep's plain `//` comments as documentation.

numrep's headers document their declarations with ordinary `//` comments, which Doxygen ignores.
Doxygen runs this filter on each header and reads what it prints: the header with those comments
turned into Doxygen's forms. The headers themselves are not changed.

* The comment block at the top of a header describes a Doxygen group named after the header
  (`parse.hpp` -> group `parse_hpp`), and everything declared at namespace scope in the header
  joins that group; the C++ reference page shows one group per header.
* A block of whole-line comments directly above a declaration at namespace, class or enum scope
  becomes `///`. A block followed by a blank line, a `#` line or a closing brace is a section
  note, not documentation, and stays as it is.
* A comment after a member or enumerator (`int x;  // ...`) becomes `///<`, and so do the
  comment lines aligned under it that continue it.
* Comments inside function bodies stay plain: implementation notes do not reach the reference.
* Outside `code` and "quotes", characters that Doxygen reads as commands, links or HTML
  (backslash, @, %, <, >, &, # and a leading ::) are escaped.

Usage (Doxygen calls it; docs/doxygen/Doxyfile): comment_filter.py HEADER
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SCOPE_START = re.compile(
    r"^(?:template\s*<.*>\s*)?(?:requires\b[^{]*?)?(?:(?:export|inline)\s+)?"
    r"(namespace|class|struct|union|enum)\b"
)


# A function definition whose name is qualified by a class (`std::string phone_number::national()`):
# a qualified name before the first ( with no = in front of it.
OUT_OF_CLASS = re.compile(r"^[^=(]*\b\w+(?:<[^()]*>)?::(?:~?\w+|operator\W+)\s*\(")


FORWARD_DECLARATION = re.compile(r"^\s*(?:class|struct|union|enum(?:\s+class)?)\s+\w+\s*;")

# Doxygen's grouping commands, each a comment block of its own.
OPEN = "/** \\addtogroup {group}\n    @{{ */"
CLOSE = "/** @} */"


def split_code_comment(line: str) -> tuple[str, str | None]:
    """(code, the comment's text after `//` or None), skipping `//` in string and character literals."""
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            # A digit separator (10'000'000) starts no character literal.
            if not (c == "'" and 0 < i < len(line) - 1 and line[i - 1].isalnum() and line[i + 1].isalnum()):
                quote = c
        elif line.startswith("//", i):
            return line[:i], line[i + 2 :]
        i += 1
    return line, None


def strip_literals(code: str) -> str:
    """The code with string and character literals emptied, so that their braces do not count."""
    code = re.sub(r'"(?:\\.|[^"\\])*"', '""', code)
    return re.sub(r"(?<![0-9A-Za-z_])'(?:\\.|[^'\\])*'", "''", code)


def escape(text: str) -> str:
    """Text with Doxygen's command, link and HTML characters escaped outside `code spans`, and the
    code spans written with double backticks."""
    parts = text.split("`")
    for i in range(0, len(parts), 2):  # the even parts are outside backticks
        # Doxygen reads "quoted text" as it is: escape only outside balanced quotes.
        quoted = parts[i].split('"') if parts[i].count('"') % 2 == 0 else [parts[i]]
        for j in range(0, len(quoted), 2):
            quoted[j] = re.sub(r"([\\@%<>&#])", r"\\\1", quoted[j])
            quoted[j] = re.sub(r"(?<!\w)::", r"\\::", quoted[j])  # `x<...>::f` names no global f
        parts[i] = '"'.join(quoted)
    # Double backticks: in a single-backtick span, Doxygen reads `...'x' as typographic quotes.
    return "``".join(parts)


def doc_line(indent: str, marker: str, text: str) -> str:
    text = text[1:] if text.startswith(" ") else text
    return f"{indent}{marker} {escape(text)}".rstrip()


def filter_header(lines: list[str], name: str) -> list[str]:
    """The header's lines as Doxygen should read them (a line may become several)."""
    group = re.sub(r"\W", "_", name)
    out = list(lines)
    n = len(lines)

    # The header's description: the comment lines before its first line of code.
    first = 0
    while first < n and lines[first].lstrip().startswith("//"):
        first += 1
    for i in range(first):
        out[i] = doc_line("", "///", lines[i].lstrip()[2:])
    out[0] = f"/// \\defgroup {group} {name}\n{out[0]}"  # a line of out may hold several

    kinds: list[str] = []  # for each open brace: namespace, class (class, struct, union, enum) or block
    statement = ""  # the code since the last ; { or }
    statement_start = 0  # the line where it starts, or where the documentation above it starts
    doc_block = (-1, -1)  # the lines of the last comment block turned into documentation
    reopen_at = -1  # the brace depth at which an out-of-class definition ends (-1: none open)
    trailing_column = -1  # the column of the previous line's trailing comment, if it had one
    i = first
    while i < n:
        code, comment = split_code_comment(lines[i])
        in_scope = all(kind != "block" for kind in kinds)
        if not code.strip() and comment is not None:
            if in_scope and len(code) == trailing_column:  # continues the trailing comment above
                out[i] = doc_line(code, "///<", comment)
                i += 1
                continue
            # A block of whole-line comments: documentation if a declaration follows directly.
            j = i
            while j < n and lines[j].strip().startswith("//"):
                j += 1
            following = lines[j].strip() if j < n else ""
            if in_scope and following and not following.startswith(("#", "}")):
                for k in range(i, j):
                    k_code, k_comment = split_code_comment(lines[k])
                    out[k] = doc_line(k_code, "///", k_comment or "")
                doc_block = (i, j)
            trailing_column = -1
            i = j
            continue
        trailing_column = -1
        if code.lstrip().startswith("#"):  # preprocessor lines belong to no declaration
            i += 1
            continue
        bare = strip_literals(code)
        if (comment is not None and code.strip() and in_scope and bare.count("{") == bare.count("}")
                and not FORWARD_DECLARATION.match(code)):  # Doxygen would give it to the next member
            out[i] = code + doc_line("", "///<", comment)
            trailing_column = len(code)
        if not statement.strip() and bare.strip():
            statement_start = doc_block[0] if doc_block[1] == i else i
        for c in bare:
            in_group = bool(kinds) and all(kind == "namespace" for kind in kinds)
            if c == "{":
                m = SCOPE_START.match(statement.strip())
                kind = "block" if m is None else "namespace" if m.group(1) == "namespace" else "class"
                if in_group and (kind == "namespace" or OUT_OF_CLASS.search(statement)):
                    # Namespaces stay out of the group (their contents join it), and so does a
                    # member defined outside its class: it belongs to the class.
                    out[statement_start] = f"{CLOSE}\n{out[statement_start]}"
                    reopen_at = len(kinds)
                if kind == "namespace":  # the namespace's contents join the group
                    out[i] += f"\n{OPEN.format(group=group)}\n"
                    reopen_at = -1 if reopen_at == len(kinds) else reopen_at
                kinds.append(kind)
                statement = ""
            elif c == "}":
                closing = kinds.pop() if kinds else "block"
                if closing == "namespace":
                    out[i] = f"{CLOSE}\n{out[i]}"
                    if kinds:
                        reopen_at = len(kinds)
                if len(kinds) == reopen_at:
                    out[i] += f"\n{OPEN.format(group=group)}\n"
                    reopen_at = -1
                statement = ""
            elif c == ";":
                statement = ""
            else:
                statement += c
        statement += " "
        i += 1
    return out


def main() -> None:
    path = Path(sys.argv[1])
    lines = path.read_text(encoding="utf-8").split("\n")
    sys.stdout.write("\n".join(filter_header(lines, path.name)))


if __name__ == "__main__":
    main()
