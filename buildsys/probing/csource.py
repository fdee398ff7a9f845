"""Just enough C lexing to merge probe snippets safely into one unit.

Probes are tiny, regular snippets; we need their ``#include`` lines, the
names they declare at file scope and the identifiers they use.
"""

from __future__ import annotations

import re

_COMMENT_OR_STRING = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', re.S)
_TOKEN = re.compile(r"[A-Za-z_]\w*|\S")
_INCLUDE = re.compile(r"^\s*#\s*include\s*(<[^>]+>|\"[^\"]+\")\s*$")

C_KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern float for "
    "goto if inline int long register restrict return short signed sizeof static struct "
    "switch typedef union unsigned void volatile while _Bool bool asm typeof".split()
)


def strip_comments_and_strings(code: str) -> str:
    return _COMMENT_OR_STRING.sub(lambda m: " " if m.group(0)[0] == "/" else '""', code)


def split_includes(code: str) -> tuple[tuple[str, ...], str] | None:
    """Leading ``#include <...>`` lines and the rest, or None if not mergeable.

    A snippet is mergeable when its only preprocessor lines are includes that
    come before any code: then hoisting them keeps its meaning (a driver
    probe's ``#include "e1000e/e1000.h"`` is shared like a kernel header).
    """
    includes: list[str] = []
    body: list[str] = []
    for line in code.splitlines():
        match = _INCLUDE.match(line)
        if match and not any(text.strip() for text in body):
            includes.append(match.group(1))
        elif line.lstrip().startswith("#"):
            return None
        else:
            body.append(line)
    return tuple(includes), "\n".join(body)


def identifiers(code: str) -> set[str]:
    tokens = _TOKEN.findall(strip_comments_and_strings(code))
    return {token for token in tokens if token[0].isalpha() or token[0] == "_"}


def declared_names(code: str) -> set[str]:
    """Names a snippet declares at file scope: functions, variables, and the tags and
    enum constants of the struct, union and enum types it defines (two bodies that
    define one tag clash, and a body using another's tag must not see it)."""
    return ordinary_names(code) | tag_names(code)


def ordinary_names(code: str) -> set[str]:
    """The file-scope names a snippet declares in C's ordinary name space: functions,
    variables, typedefs and enum constants."""
    tokens = _TOKEN.findall(strip_comments_and_strings(code))
    return _plain_declarations(tokens) | _type_declarations(tokens)[1]


def tag_names(code: str) -> set[str]:
    """The struct, union and enum tags a snippet defines at file scope."""
    return _type_declarations(_TOKEN.findall(strip_comments_and_strings(code)))[0]


def _plain_declarations(tokens: list[str]) -> set[str]:
    names: set[str] = set()
    braces = parens = 0
    last: str | None = None
    for token in tokens:
        if token == "{":
            braces += 1
        elif token == "}":
            braces -= 1
        elif token == "(":
            if braces == 0 and parens == 0 and last:
                names.add(last)
            parens += 1
        elif token == ")":
            parens -= 1
        elif braces == 0 and parens == 0:
            if token in ("=", ";", ",", "[") and last:
                names.add(last)
            if token[0].isalpha() or token[0] == "_":
                last = None if token in C_KEYWORDS else token
                continue
        if token in ("{", "}", ";", ",", "="):
            last = None
    return names


def _type_declarations(tokens: list[str]) -> tuple[set[str], set[str]]:
    """Tags defined at file scope (``struct s {``), and the constants of enums."""
    tags: set[str] = set()
    constants: set[str] = set()
    braces = 0
    enum_depth: int | None = None
    for index, token in enumerate(tokens):
        following = tokens[index + 1:index + 3]
        if token in ("struct", "union", "enum") and braces == 0:
            if len(following) == 2 and following[1] == "{" and _is_name(following[0]):
                tags.add(following[0])
            if token == "enum" and "{" in following:
                enum_depth = 1
        elif token == "{":
            braces += 1
        elif token == "}":
            braces -= 1
            if braces == 0:
                enum_depth = None
        elif (enum_depth == braces == 1 and _is_name(token) and tokens[index - 1] in ("{", ",")):
            constants.add(token)
    return tags, constants


def _is_name(token: str) -> bool:
    return (token[0].isalpha() or token[0] == "_") and token not in C_KEYWORDS
