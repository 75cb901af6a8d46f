"""Which hosts may receive credentials: the provider's own, loopback, and those the operator lists.

The list comes from the environment (``TELCONF_ALLOWED_HOSTS``) and ``--allow-host``, never
from the config file: in GitOps the config comes from a pull request, the environment
from the operator.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

ENV_VARIABLE = "TELCONF_ALLOWED_HOSTS"
_cli_hosts: tuple[str, ...] = ()


def allow_from_cli(hosts: Iterable[str]) -> None:
    """Hosts given with ``--allow-host`` for this run (``host`` or ``host:port``)."""
    global _cli_hosts
    _cli_hosts = tuple(h.strip().lower() for h in hosts if h.strip())


def operator_hosts(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """``TELCONF_ALLOWED_HOSTS`` entries and ``--allow-host`` ones, lower-case."""
    env = os.environ if environ is None else environ
    listed = [h.strip().lower() for h in env.get(ENV_VARIABLE, "").split(",") if h.strip()]
    return tuple(listed) + _cli_hosts


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_and_port(url: str) -> tuple[str, int | None]:
    """The URL's host (lower-case, without brackets) and explicit port; ('', None) if unreadable."""
    try:
        parts = urlsplit(url)
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", None


def address(url: str) -> str:
    """``host:port`` of ``url`` (the scheme's port when none is given), for errors that say where; "" if unreadable."""
    host, port = host_and_port(url)
    if not host:
        return ""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    port = port or {"https": 443, "http": 80}.get(scheme)
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def refusal(url: str, provider: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Why credentials of a ``provider`` account may not go to ``url``, or None when its host is trusted.

    Trusted: that provider's own host (of its default URL), loopback, and the operator's
    list. Another provider's host is not: a pull request could point a Teleum account's
    ``url`` at any API whose package happens to be installed.
    """
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    host, port = host_and_port(url)  # ('', None) for what urlsplit cannot read (``http://[::1``)
    if scheme not in ("http", "https") or not host:
        return f"the url {shown_url(url)!r} is not an http(s):// URL with a host"
    if host == own_host(provider) or is_loopback(host):
        return None
    named = f"[{host}]" if ":" in host else host
    with_port = f"{named}:{port}" if port else named
    default_port = f"{named}:{443 if scheme == 'https' else 80}"
    accepted = {named, with_port} | ({default_port} if port is None else set())
    if accepted & set(operator_hosts(environ)):
        return None
    return (f"refusing to send credentials to {with_port}: not the provider's host, not loopback, "
            f"and not allowed by the operator; to trust it, set {ENV_VARIABLE}={with_port} in the "
            f"environment or pass --allow-host {with_port} (never from the config file)")


def plain_http(url: str) -> bool:
    """True for ``http://`` to a host that is not loopback: credentials would cross the network in clear."""
    host, _ = host_and_port(url)
    return url.lower().startswith("http://") and not is_loopback(host)


def shown_url(url: str) -> str:
    """A URL for a message: control characters escaped, at most 100 characters."""
    from telconf.guard.redact import escape

    text = escape(url)
    return text if len(text) <= 100 else text[:97] + "..."


def own_host(provider: str) -> str | None:
    """The host of ``provider``'s default URL (None for a provider not installed)."""
    from telconf import registry

    found = registry.providers().get(provider)
    if found is None:
        return None
    return (urlsplit(found.default_url).hostname or "").lower() or None
