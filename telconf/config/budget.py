"""How far a config may expand: the budget of templates, aliases and includes.

A config comes from pull requests. A few lines can ask for a lot: a template of 2,000
forwards used by 3,000 numbers (6 million forwards from a 190 KB file), YAML aliases
nested inside each other, ``include: ["**/*.yaml"]`` beside symbolic links to ``.``
(an exponential walk), a chain of 700 files each including the next. Each is bounded
here and is an error at the line that passes the bound, found before the expansion is
built, so that ``validate`` stays in bounded time and memory whatever the file says.

A legitimate config stays far inside: 20,000 numbers with five forwards each from five
templates add about 400,000 values and 4 MB of text (the budget is 2.5 and 4 times that);
a config split over files uses tens of files, a few levels deep.
"""

from __future__ import annotations

# YAML (checked as the file is read, in telconf.config.source): nesting, and what aliases add.
from telconf.config.source import MAX_ALIAS_BYTES, MAX_ALIAS_EXPANSION, MAX_DEPTH

# Templates: what all the `use:` of a file add together (containers and scalars, text).
MAX_TEMPLATE_VALUES = 1_000_000
MAX_TEMPLATE_BYTES = 16 * 1024 * 1024

# Includes: how deep files include each other, how many a config reads, how much text.
MAX_INCLUDE_DEPTH = 32
MAX_INCLUDED_FILES = 1_000
MAX_INCLUDED_BYTES = 64 * 1024 * 1024  # all included files together (as one config file may be)

# Globs of `include:`: files one pattern may match, directory entries its walk may visit.
# `**` never follows a symbolic link to a directory (a link to `.` would repeat the tree).
MAX_GLOB_MATCHES = MAX_INCLUDED_FILES
MAX_GLOB_ENTRIES = 100_000

__all__ = [
    "MAX_ALIAS_BYTES", "MAX_ALIAS_EXPANSION", "MAX_DEPTH", "MAX_TEMPLATE_VALUES", "MAX_TEMPLATE_BYTES", "MAX_INCLUDE_DEPTH",
    "MAX_INCLUDED_FILES", "MAX_INCLUDED_BYTES", "MAX_GLOB_MATCHES", "MAX_GLOB_ENTRIES",
]
