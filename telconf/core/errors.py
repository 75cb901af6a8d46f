"""The exceptions telconf raises, as one small tree.

    TelconfError
     ├── ConfigError            the YAML file is wrong (carries every Diagnostic)
     ├── ProviderError          a provider call failed (names account, provider, host:port, call)
     │    ├── AuthError             credentials refused
     │    ├── SessionExpired        a session token ended (the client renews it)
     │    ├── ApiError              the provider answered with an error code
     │    ├── BadResponse           the answer could not be read (HTML, truncated, wrong shape)
     │    └── TransientError        worth retrying (5xx, timeout, dropped connection, 429)
     │         └── OutcomeUnknown       a write was sent but its answer was lost
     ├── PlanError              the desired state cannot be reached (e.g. SIP numbering)
     ├── UnsafePlanError        the plan trips the mass-delete rule
     ├── StalePlanError         a saved plan no longer matches the live state
     ├── ApplyError             an apply stopped part way (carries the report)
     └── AccountErrors          several accounts failed at once (carries each one's error)

Only ``telconf.cli`` turns these into messages and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class TelconfError(Exception):
    """Base of every error telconf raises on purpose."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a config file, with where it is."""

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" | "warning"
    code: str = ""  # stable name of a warning, for tools (``forward-loop``); "" when it has none

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}"


class ConfigError(TelconfError):
    """The configuration is invalid; ``diagnostics`` lists every reason."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic | str):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic("<config>", 0, 0, diagnostics)]
        elif isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class ProviderError(TelconfError):
    """A call to a provider failed. ``call`` is the API method or command."""

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        call: str = "",
        code: str | None = None,
    ):
        from telconf.guard.redact import escape

        # Server text may carry terminal escapes: shown escaped, and never longer than a screen.
        message, call, code = escape(message), escape(call), escape(code) if code else code
        message = message if len(message) <= 500 else message[:497] + "..."
        self.provider = provider
        self.call = call
        self.code = code
        self.detail = message
        self.account = ""  # set by whoever knows it (the conductor, the applier): see ``locate``
        self.host = ""  # host:port the call went to (the transport, or the account's url)
        super().__init__(message)

    def locate(self, *, account: str = "", host: str = "") -> ProviderError:
        """Say where the error happened (what is already known is kept); returns itself."""
        from telconf.guard.redact import escape

        self.account = self.account or escape(account)
        self.host = self.host or escape(host)
        return self

    def __str__(self) -> str:
        """``teleum login: message [code] (account spb-office, server api.teleum.ru:443)``."""
        where = " ".join(p for p in (self.provider, self.call) if p)
        code_part = f" [{self.code}]" if self.code else ""
        text = f"{where}: {self.detail}{code_part}" if where else self.detail + code_part
        located = ", ".join(p for p in (self.account and f"account {self.account}",
                                        self.host and f"server {self.host}") if p)
        return f"{text} ({located})" if located else text


class AuthError(ProviderError):
    """The provider refused the credentials."""


class SessionExpired(ProviderError):
    """The session token of a provider is unknown or idle for too long (its client logs in again)."""


class ApiError(ProviderError):
    """The provider understood the call and answered with an error."""


class BadResponse(ProviderError):
    """The provider's answer is not what the contract says (not JSON, wrong shape...)."""


class TransientError(ProviderError):
    """A failure worth retrying: 5xx, timeout, dropped connection, rate limit."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class OutcomeUnknown(TransientError):
    """A non-idempotent write was sent, but whether it took effect is unknown.

    ``may_still_run``: the request timed out, so the server may still be carrying it out.
    """

    def __init__(self, message: str, *, may_still_run: bool = False, **kw: Any):
        super().__init__(message, **kw)
        self.may_still_run = may_still_run


class PlanError(TelconfError):
    """The desired state cannot be reached from the live state."""


class UnsafePlanError(TelconfError):
    """The plan deletes more than the safety threshold allows."""


class StalePlanError(TelconfError):
    """A saved plan was computed from a live state that has changed since."""


class AccountErrors(TelconfError):
    """Several accounts failed (their reads run in parallel): every one is reported, not the first."""

    def __init__(self, errors: list[TelconfError]):
        self.errors = list(errors)
        lines = "\n".join(f"  {e}" for e in self.errors)
        super().__init__(f"{len(self.errors)} accounts failed:\n{lines}")


class ApplyError(TelconfError):
    """An apply stopped part way; ``report`` says what was done, failed and not attempted."""

    def __init__(self, message: str, report: Any = None):
        super().__init__(message)
        self.report = report


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, ``kill``): raised like Ctrl-C's KeyboardInterrupt, so
    every phase stops, reports and writes ``--report`` the same way; the exit code is 143
    instead of 130."""
