"""Config diagnostics as CI systems read them: JSON, GitHub workflow commands, GitLab code quality.

- ``github``: one workflow command per diagnostic, ``::error file=F,line=L,col=C::message``
  (``::warning`` for warnings), which GitHub Actions shows on that line of the pull
  request's diff. Values are escaped as the runner expects (``%``, CR, LF; and ``:``
  and ``,`` inside properties).
- ``gitlab``: a code quality report (a JSON array of issues with ``description``,
  ``check_name``, ``fingerprint``, ``severity`` and ``location.path``/``lines.begin``),
  for ``artifacts:reports:codequality``; GitLab shows it in the merge request.
- ``json``: telconf's own shape, for scripts: every file, whether it passed, every diagnostic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telconf.core.errors import Diagnostic

VALIDATE_FORMATS = ["text", "json", "github", "gitlab"]


@dataclass
class FileResult:
    """One file checked: its diagnostics and, when it passed, its accounts."""

    file: str
    valid: bool
    accounts: Sequence[str] = ()
    diagnostics: Sequence[Diagnostic] = field(default_factory=list)
    checked_through: Sequence[str] = ()  # the configs that include it, when it is only a part


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one line per diagnostic."""
    lines = []
    for d in diagnostics:
        kind = "warning" if d.severity == "warning" else "error"
        props = [f"file={_github_property(d.file)}"]
        if d.line:
            props += [f"line={d.line}", f"col={d.column}"] if d.column else [f"line={d.line}"]
        title = f"telconf {d.code}" if d.code else "telconf"
        props.append(f"title={_github_property(title)}")
        lines.append(f"::{kind} {','.join(props)}::{_github_data(d.message)}")
    return "".join(line + "\n" for line in lines)


def fingerprint(d: Diagnostic) -> str:
    """Stable per problem and place, so GitLab can tell new issues from fixed ones."""
    key = "\0".join((d.file, str(d.line), str(d.column), d.severity, d.message))
    return hashlib.sha256(key.encode()).hexdigest()


def gitlab(diagnostics: Sequence[Diagnostic]) -> str:
    """A GitLab code quality report (JSON array of issues)."""
    issues = [{
        "description": d.message,
        "check_name": f"telconf/{d.code or ('config-warning' if d.severity == 'warning' else 'config-error')}",
        "fingerprint": fingerprint(d),
        "severity": "minor" if d.severity == "warning" else "major",
        "location": {"path": d.file, "lines": {"begin": max(d.line, 1)}},
    } for d in diagnostics]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def as_json(results: Sequence[FileResult]) -> str:
    """telconf's JSON: ``{"valid", "files": [...], "diagnostics": [...]}``."""
    data: dict[str, Any] = {
        "valid": all(r.valid for r in results),
        "files": [{"file": r.file, "valid": r.valid, "accounts": list(r.accounts),
                   **({"checked_through": list(r.checked_through)} if r.checked_through else {})}
                  for r in results],
        "diagnostics": [{"file": d.file, "line": d.line, "column": d.column, "severity": d.severity,
                         "code": d.code or None, "message": d.message}
                        for d in unique(r.diagnostics for r in results)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def unique(groups: Any) -> list[Diagnostic]:
    """Diagnostics of several files, each once (two changed files of one config report its errors once)."""
    return list(dict.fromkeys(d for group in groups for d in group))
