"""Which hosts may receive credentials: the provider's own, loopback, and those the operator lists.

The list comes from the environment (``TELCONF_ALLOWED_HOSTS``) and ``--allow-host``, never
from the config file: in GitOps the config comes from a pull request, the environment
from the operator.

One reading of a URL decides its host. ``urlsplit`` and the HTTP client (urllib3's
``parse_url``) disagree on URLs such as ``http://evil.example\\@bill.tech.teleum.com/``
(``urlsplit`` reads the host after the ``@``, urllib3 stops the authority at the
backslash and connects to ``evil.example``). So ``endpoint`` accepts only URLs both read
alike: ``scheme://host[:port]`` followed by a path, no user information, no backslash,
whitespace or control character, a host of letters, digits, dots and hyphens (or an IP
address), and then checks that ``urlsplit`` agrees. The transport checks the prepared
request once more, with urllib3's own parser, right before connecting.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

ENV_VARIABLE = "TELCONF_ALLOWED_HOSTS"
_cli_hosts: tuple[str, ...] = ()
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)(?P<rest>[/?#].*)?\Z", re.DOTALL)
_HOST_PORT = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?)"
                        r"(?::(?P<port>[1-9][0-9]{0,4}))?\Z")
# Whitespace (Unicode's too), C0/C1 controls, DEL, and the invisible or direction-changing
# characters that make a URL read differently from what it is.
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


@dataclass(frozen=True)
class Endpoint:
    """Where a URL connects: scheme, host (lower-case, no brackets) and explicit port."""

    scheme: str
    host: str
    port: int | None

    @property
    def named(self) -> str:
        """``host[:port]`` as a message and ``--allow-host`` write it (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port else host


class BadUrl(ValueError):
    """A URL telconf will not connect to; the message says why (with its user information masked)."""


def endpoint(url: str) -> Endpoint:
    """The one reading of ``url`` that decides where credentials go, or ``BadUrl``.

    Only URLs that every parser in the way reads alike are accepted: see the module's docstring.
    """
    shown = shown_url(url)
    if "\\" in url:
        raise BadUrl(f"the url {shown!r} holds a backslash: URL parsers disagree on where its host ends "
                     "(one connects to the part before it); write the URL without it")
    if _UNSAFE.search(url):
        raise BadUrl(f"the url {shown!r} holds whitespace or a control character; write it without")
    found = _URL.match(url)
    if found is None or found["scheme"].lower() not in ("http", "https") or not found["authority"]:
        raise BadUrl(f"the url {shown!r} is not an http(s):// URL with a host")
    if "@" in found["authority"]:
        raise BadUrl(f"the url {shown!r} holds a user name or password (user:password@host): credentials "
                     "go under credentials:, never in the url; remove it")
    parts = _HOST_PORT.match(found["authority"])
    if parts is None or (parts["port"] and int(parts["port"]) > 65535):
        raise BadUrl(f"the url {shown!r} is not an http(s):// URL with a host (its host[:port] is not a plain "
                     "host name, IP address or port)")
    host = parts["host"].lower()
    if host.startswith("["):
        host = host[1:-1]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise BadUrl(f"the url {shown!r} is not an http(s):// URL with a host ([{host}] is not an "
                         "IPv6 address)") from None
    port = int(parts["port"]) if parts["port"] else None
    try:  # the standard library must read the same host and port (it decides nothing, it must agree)
        split = urlsplit(url)
        agrees = (split.hostname or "") == host and split.port == port
    except ValueError:
        agrees = False
    if not agrees:
        raise BadUrl(f"the url {shown!r} is read differently by different URL parsers; write a plain "
                     "scheme://host[:port]/path")
    return Endpoint(found["scheme"].lower(), host, port)


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
    try:
        where = endpoint(url)
    except BadUrl as exc:
        return str(exc)
    return host_refusal(where, provider, environ)


def host_refusal(where: Endpoint, provider: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Why credentials of a ``provider`` account may not go to ``where``, or None when it is trusted."""
    host, port = where.host, where.port
    if host == own_host(provider) or is_loopback(host):
        return None
    named = f"[{host}]" if ":" in host else host
    with_port = where.named
    default_port = f"{named}:{443 if where.scheme == 'https' else 80}"
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
    """A URL for a message: user information masked, control characters escaped, at most 100 characters."""
    from telconf.guard.redact import escape, mask_userinfo

    text = escape(mask_userinfo(url))
    return text if len(text) <= 100 else text[:97] + "..."


def own_host(provider: str) -> str | None:
    """The host of ``provider``'s default URL (None for a provider not installed)."""
    from telconf.core import registry

    found = registry.providers().get(provider)
    if found is None:
        return None
    return (urlsplit(found.default_url).hostname or "").lower() or None
