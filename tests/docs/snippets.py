"""Shell commands as the README and the docs pages write them, read out of their code blocks.

The documentation's commands are checked by ``test_snippets.py``; this module only
reads them: fenced blocks tagged ``sh``/``bash``/``shell``/``console``, lines joined at
a trailing backslash, comments dropped, then each simple command of a line (split at
``&&``, ``||``, ``|`` and ``;``) without its redirections and leading ``NAME=value``
assignments.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
# A fence opens with 3+ backticks or tildes; after backticks the info string may hold
# no backtick (CommonMark), so a line starting "```` ```diff ````" is text, not a fence.
_FENCE = re.compile(r"^ {0,3}(`{3,}(?=[^`]*$)|~{3,})\s*([\w+-]*)")
_SEPARATORS = {"&&", "||", "|", ";", "&"}
_REDIRECTIONS = {">", ">>", "<", ">&", "<<"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language tag, the line of its first content line, its lines."""

    path: Path
    language: str
    first_line: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    """One simple command of a snippet, with where it is written (``FILE:LINE``)."""

    where: str
    argv: tuple[str, ...]

    @property
    def program(self) -> str:
        return Path(self.argv[0]).name


def documents() -> list[Path]:
    """The README and every page of the docs site."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def fenced_blocks(path: Path) -> Iterator[Block]:
    """Every fenced code block of a Markdown file (indented fences inside lists included)."""
    fence: str | None = None
    language = ""
    start = 0
    body: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence, language, start, body = match.group(1), match.group(2).lower(), number + 1, []
        elif match and line.strip() == fence:
            yield Block(path, language, start, tuple(body))
            fence = None
        else:
            body.append(line)


def shell_commands(path: Path) -> list[Command]:
    """The simple commands of the shell blocks of one file."""
    commands: list[Command] = []
    for block in fenced_blocks(path):
        if block.language not in SHELL_LANGUAGES:
            continue
        logical = ""
        first = block.first_line
        for offset, line in enumerate(block.lines):
            if not logical:
                first = block.first_line + offset
            text = line.removeprefix("$ ") if block.language == "console" else line
            if text.rstrip().endswith("\\"):
                logical += text.rstrip()[:-1] + " "
                continue
            logical += text
            where = f"{path.relative_to(REPO)}:{first}"
            commands.extend(Command(where, argv) for argv in split_commands(logical))
            logical = ""
    return commands


def split_commands(line: str) -> list[tuple[str, ...]]:
    """A shell line's simple commands, without redirections and leading assignments."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands: list[tuple[str, ...]] = []
    current: list[str] = []
    tokens = iter(lexer)
    for token in tokens:
        if token in _SEPARATORS:
            commands.append(tuple(current))
            current = []
        elif token in _REDIRECTIONS:
            next(tokens, None)                          # the redirection's target
            if current and current[-1].isdigit():       # 2> file
                current.pop()
        elif not current and _ASSIGNMENT.match(token):
            continue                                    # VAR=value command ...
        else:
            current.append(token)
    commands.append(tuple(current))
    return [command for command in commands if command]
