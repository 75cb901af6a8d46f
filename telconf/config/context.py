"""What the account builders share: positions, diagnostics, phones, ``${NAME}`` and paths.

A builder runs in one of two modes. *Checking* (``environ`` is None): nothing is taken
from the environment and a value holding ``${`` is not format-checked, so ``validate``
needs no secrets. *Building* (``environ`` given): ``${NAME}`` in ordinary values is
substituted when the operator made the variable public (``config.secrets``), an unset
variable being an error at its line; formats are checked on the value substituted.
Credentials and SIP
passwords are never substituted in either mode: they become ``Secret`` objects that the
provider reveals when it logs in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path as FilePath
from typing import Any, TypeVar

from telconf.core import phones
from telconf.config.secrets import is_public, is_tls_path
from telconf.config.source import Document, Mark, Path
from telconf.core.errors import ConfigError, Diagnostic
from telconf.guard.files import hidden, outside
from telconf.guard.redact import excerpt
from telconf.core.model import NO_IGNORE, Ignore, Secret

T = TypeVar("T")

# The warning code of a secret written in the file (``telconf plan --format json`` and
# policy tools): a password keeps the code it always had.
SECRET_IN_FILE = {"a password": "password-in-file"}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


class Context:
    """Builds model values from located data, recording every problem instead of raising."""

    def __init__(self, doc: Document, base_dir: FilePath, environ: Mapping[str, str] | None,
                 phone_cache: dict[str, str | None] | None = None, *, connecting: bool | None = None):
        self.doc = doc
        self.base_dir = base_dir
        self.environ = environ
        # For a command that will connect (plan, apply, export), every account's host must be
        # trusted, the accounts it will not build included: a file with an error sends nothing.
        self.connecting = environ is not None if connecting is None else connecting
        self.diagnostics: list[Diagnostic] = []
        # One config often repeats a number many times (black lists): parse each spelling once.
        self.phone_cache: dict[str, str | None] = {} if phone_cache is None else phone_cache
        # Values built from one YAML object several numbers share (a template's), by its id:
        # the object lives as long as the document, so the id cannot be reused meanwhile.
        self.built: dict[Any, Any] = {}  # keyed by the id (or a tuple starting with a kind and the id)
        self.ignore: Ignore = NO_IGNORE  # the account's ignore rules (set by its builder)

    @property
    def building(self) -> bool:
        """True when values are substituted from the environment (plan/apply), not only checked."""
        return self.environ is not None

    # --- positions and diagnostics ----------------------------------------------------

    def mark(self, path: Path, *, key: bool = False) -> Mark:
        """Line and column of the value (or key) at ``path``."""
        return self.doc.where(path, key=key)

    def where(self, path: Path, *, key: bool = False) -> str:
        """``FILE:LINE:COL`` of the value (or key) at ``path`` (in the file that wrote it)."""
        file, (line, column) = self.doc.locate(path, key=key)
        return f"{file}:{line}:{column}"

    def error(self, path: Path, message: str, *, key: bool = False, code: str = "") -> None:
        """Record an error at the value (or key) at ``path``; ``code`` names it for tools."""
        self.diagnostics.append(self.doc.diagnostic(path, message, key=key, code=code))

    def warning(self, path: Path, message: str, *, key: bool = False, code: str = "") -> None:
        """Record a warning (fails ``validate`` only with ``--strict``); ``code`` names it for tools."""
        self.diagnostics.append(self.doc.diagnostic(path, message, key=key, severity="warning", code=code))

    def shared(self, value: Any, make: Callable[[], T]) -> T:
        """``make()`` for the container ``value``, made once when several numbers share it.

        A template's parts that no parameter changes are one object in every number that
        uses it (``telconf.config.templates``): what they build is remembered by identity,
        as long as building it found no problem (a problem is reported at each place).
        """
        key = id(value)
        if key not in self.doc.shared:  # not a template's part: nobody else has it
            return make()
        if key in self.built:
            known: T = self.built[key]
            return known
        problems = len(self.diagnostics)
        made = make()
        if len(self.diagnostics) == problems:
            self.built[key] = made
        return made

    def template_of(self, path: Path) -> str | None:
        """The template the number at ``path`` was expanded from, if any."""
        use = self.doc.uses.get(path)
        return use.template if use is not None else None

    # --- values -----------------------------------------------------------------------

    @staticmethod
    def has_variable(value: Any) -> bool:
        """True when ``value`` is text holding a ``${NAME}`` reference."""
        return isinstance(value, str) and "${" in value and bool(Secret(value).variables)

    def text(self, path: Path, value: Any, default: str = "") -> str:
        """A string value, with ``${NAME}`` substituted when building (public variables only)."""
        if value is None:
            return default
        return self.substitute(path, value)[0]

    def substitute(self, path: Path, value: Any) -> tuple[str, bool]:
        """(the value with ``${NAME}`` substituted, whether it is known).

        Not known: only checking, or a variable unset (an error here) or not public (an
        error where ``secrets.variable_problems`` checks the file); the text is then as
        written. A known value is format-checked by the caller even if it holds ``${``.
        """
        text = str(value)
        if not self.has_variable(text):
            return text, True
        if self.environ is None:
            return text, False
        secret = Secret(text, self.where(path))
        path_field = is_tls_path(path)
        if not all(is_public(name, self.environ, path_field=path_field) for name in secret.variables):
            return text, False
        try:
            return secret.reveal(self.environ), True
        except ConfigError as exc:
            self.diagnostics.extend(exc.diagnostics)
            return text, False

    @staticmethod
    def integer(value: Any, default: int | None = None) -> int | None:
        """``value`` as an int; JSON Schema counts ``20.0`` as an integer, the model wants ``20``."""
        if isinstance(value, bool):
            return default
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return default

    def secret(self, path: Path, value: Any, *, what: str | None = None, password: bool = False) -> Secret:
        """A credential: kept as a ``Secret``, revealed only by the provider.

        ``what`` names a secret value (``a token``; ``password=True`` is ``a password``): one
        written in the file itself works, but is one ``git push`` from leaking, so it is
        warned about by that name. None: not a secret (a login), no warning.
        """
        what = "a password" if password else what
        text = str(value)
        if what and text and not self.has_variable(text):
            self.warning(path, f"{what} written in the file; take it from the environment: ${{NAME}}",
                         code=SECRET_IN_FILE.get(what, "secret-in-file"))
        return Secret(text, self.where(path))

    def phone(self, path: Path, value: Any, *, key: bool = False, what: str = "phone number") -> str | None:
        """The wire form of a phone number, or None (error recorded) when it is not one.

        When only checking, a value holding ``${NAME}`` is returned as written.
        """
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.error(path, f"expected a {what}, got {value!r}", key=key)
            return None
        text, known = (str(value), True) if key else self.substitute(path, value)
        if not known:
            return text  # checking only (or unset, already reported): known when the account is built
        wire = self.normalise(text)
        if wire is None:
            self.error(path, f"{excerpt(text)!r} is not a valid {what}; expected e.g. \"+7 812 323-23-23\"", key=key)
        return wire

    def normalise(self, text: str) -> str | None:
        """``phones.normalise`` of ``text``, or None when it is not a phone number (remembered)."""
        if text not in self.phone_cache:
            try:
                self.phone_cache[text] = phones.normalise(text)
            except phones.InvalidPhone:
                self.phone_cache[text] = None
        return self.phone_cache[text]

    def email(self, path: Path, value: Any) -> str:
        """An e-mail address, format-checked after substitution (only checking: unless it holds ``${NAME}``)."""
        text, known = self.substitute(path, "" if value is None else value)
        if text and known and not _EMAIL.match(text):
            self.error(path, f"{excerpt(text)!r} is not an e-mail address; expected e.g. office@example.com")
        return text

    def file(self, path: Path, value: Any) -> FilePath:
        """A path from the config, resolved against the directory of the file that wrote it."""
        written_in = self.doc.locate(path)[0]
        base = self.base_dir if written_in == self.doc.file else FilePath(written_in).resolve().parent
        return (base / self.text(path, value)).resolve()

    def repo_file(self, path: Path, value: Any, what: str) -> FilePath | None:
        """A data file that belongs beside the config (block file, voice file), or None (error recorded).

        After resolving symlinks it must be inside the config file's directory: a config
        from a pull request must not make telconf read ``/etc`` or ``/proc``; and neither
        it nor a folder on its way may be hidden, as written or resolved (``.git/config``
        holds the CI's clone token, ``.env`` the developer's secrets).
        """
        file = self.file(path, value)
        if outside(file, self.base_dir):
            self.error(path, f"{what} {excerpt(str(value))!r} is outside the config file's directory "
                             f"({self.base_dir}), symlinks resolved; keep it beside the config")
            return None
        if hidden(file, self.base_dir, self.text(path, value)):
            self.error(path, f"{what} {excerpt(str(value))!r} is in a hidden directory or is a hidden file "
                             "(.git/, .env...), symlinks resolved: such files hold the repository's or the "
                             "machine's secrets; keep data files in a visible folder beside the config")
            return None
        return file

    def shown(self, file: FilePath) -> str:
        """How to name a referenced file in a diagnostic: relative to where the user is, if short."""
        try:
            return str(file.relative_to(FilePath.cwd()))
        except ValueError:
            return str(file)
