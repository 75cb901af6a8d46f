"""HTTP for both providers: one pooled session, retries with backoff, redacted logs.

Provider clients build requests; this module sends them. It knows which failures are
worth another try and which leave a write's outcome unknown, and it logs every
request without parameters, bodies or query strings, so no secret reaches a log.

It also guards the credentials and the machine (``telconf.guard``): a request goes
only to a trusted host, a redirect is an error (nothing is sent again), a whole
request is bounded by the timeout and an answer by a size cap.
"""

from __future__ import annotations

import logging
import os
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import HTTPAdapter

from telconf.core.errors import BadResponse, OutcomeUnknown, ProviderError, TransientError
from telconf.guard import hosts, limits
from telconf.guard.redact import escape

log = logging.getLogger("telconf.http")


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with jitter."""

    attempts: int = 5
    base_delay: float = 0.2
    max_delay: float = 5.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try ``attempt + 1`` (attempt counts from 1).

        A server's ``Retry-After`` is the least we wait, never less than the backoff:
        ``Retry-After: 0`` on every answer must not turn retries into a tight loop.
        """
        growth: float = 2 ** (attempt - 1)  # int ** int is typed Any (a negative power is a float)
        backoff = min(self.max_delay, self.base_delay * growth) * random.uniform(0.5, 1.0)
        if retry_after is not None:
            return max(min(max(retry_after, 0.0), self.max_retry_after), backoff)
        return backoff


def tls_options(client_cert: str | os.PathLike[str] | None = None, client_key: str | os.PathLike[str] | None = None,
                ca_bundle: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """``verify`` and ``cert`` for a ``Transport`` from an account's TLS files.

    Verification stays on: against ``ca_bundle`` alone when given, else against the
    certificate authorities of ``certifi`` (Mozilla's list, as ``requests`` ships it),
    not the operating system's store. (``truststore`` was tried: its context holds one
    lock through every handshake, so parallel reads queue behind a slow server.)
    A key without a certificate is ignored (config checking refuses it).
    """
    cert: tuple[str, str] | str | None = None
    if client_cert:
        cert = (os.fspath(client_cert), os.fspath(client_key)) if client_key else os.fspath(client_cert)
    return {"verify": os.fspath(ca_bundle) if ca_bundle else True, "cert": cert}


def redact_url(url: str) -> str:
    """The URL without its query string (it may carry a token), keeping only a ``cmd`` parameter,
    the name of the call in APIs that put it there."""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.hostname or ''}"
    if parts.port:
        base += f":{parts.port}"
    base += parts.path
    cmd = [v for k, v in parse_qsl(parts.query) if k == "cmd"]
    return f"{base}?cmd={cmd[0]}" if cmd else base


class Transport:
    """Sends requests for one provider account, retrying what is safe to retry.

    ``idempotent`` requests (reads, set/replace writes) are retried on 5xx, timeouts,
    dropped connections and 429. Others are retried only when the server cannot have
    acted on them (connection refused, 429); otherwise ``OutcomeUnknown`` is raised
    and the caller reads back before deciding to try again.
    """

    def __init__(
        self,
        provider: str,
        *,
        parallelism: int = 8,
        timeout: float | None = None,
        retry: RetryPolicy = RetryPolicy(),
        verify: bool | str = True,
        cert: tuple[str, str] | str | None = None,
        auth: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        error_detail: Callable[[requests.Response], tuple[str, str | None] | None] | None = None,
    ):
        self.provider = provider
        self.timeout = limits.request_timeout() if timeout is None else timeout
        self.retry = retry
        self.sleep = sleep
        # (message, code) from a 5xx body, for providers whose error bodies say more than the status
        self.error_detail = error_detail
        self.session = requests.Session()
        adapter = GuardedAdapter(provider, pool_connections=parallelism, pool_maxsize=max(parallelism, 1),
                                 max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.verify = verify
        self.session.cert = cert
        self.session.auth = auth
        self.session.trust_env = False  # a proxy from the environment must not see our calls
        self.requests_sent = 0

    def close(self) -> None:
        self.session.close()

    def send(self, method: str, url: str, *, call: str, idempotent: bool, **kwargs: Any) -> requests.Response:
        """Send one request, retrying per the policy; return the final response.

        A response is returned for every status but 429 and 5xx (those are retried or
        raised as ``TransientError``); the caller interprets 4xx bodies. Every error names
        the host:port it was talking to.
        """
        try:
            return self._send(method, url, call=call, idempotent=idempotent, **kwargs)
        except ProviderError as exc:
            raise exc.locate(host=hosts.address(url))

    def _send(self, method: str, url: str, *, call: str, idempotent: bool, **kwargs: Any) -> requests.Response:
        refused = hosts.refusal(url, self.provider)
        if refused:  # before any connection: the credentials go nowhere
            raise ProviderError(refused, provider=self.provider, call=call)
        attempt = 0
        while True:
            attempt += 1
            timed_out = False
            try:
                response = self._send_once(method, url, call=call, attempt=attempt, **kwargs)
                failure = _status_failure(response, self.provider, call, self.error_detail)
                if failure is None:
                    return response
                sure_not_applied = response.status_code == 429
            except requests.exceptions.ConnectTimeout as exc:
                failure, sure_not_applied = self._transport_failure(call, exc), True
            except requests.exceptions.SSLError as exc:
                # Trust is configuration, not luck: trying again cannot help. Nothing was sent.
                raise ProviderError(tls_problem(exc), provider=self.provider, call=call) from None
            except requests.exceptions.ConnectionError as exc:
                failure = self._transport_failure(call, exc)
                sure_not_applied = _never_reached_server(exc)
            except requests.exceptions.Timeout as exc:
                failure = self._transport_failure(call, exc, f"no complete answer within the {self.timeout:g} s "
                                                  "timeout (--timeout)")
                sure_not_applied, timed_out = False, True
            except requests.exceptions.ChunkedEncodingError as exc:
                # The answer was cut off mid-body: the server got the request, like a dropped connection.
                failure, sure_not_applied = self._transport_failure(call, exc, "the answer was cut off"), False
            except limits.BodyTooLarge as exc:
                raise BadResponse(str(exc), provider=self.provider, call=call) from None
            except HostRefused as exc:  # the prepared request: nothing was sent
                raise ProviderError(str(exc), provider=self.provider, call=call) from None
            except requests.exceptions.ContentDecodingError:
                raise BadResponse("the answer's content encoding could not be decoded",
                                  provider=self.provider, call=call) from None
            except requests.exceptions.RequestException as exc:
                raise ProviderError(f"{type(exc).__name__} sending the request", provider=self.provider,
                                    call=call) from None
            if not idempotent and not sure_not_applied:
                raise OutcomeUnknown(
                    f"no usable answer ({failure.detail}); the call may or may not have taken effect",
                    provider=self.provider, call=call, may_still_run=timed_out,
                ) from failure
            if attempt >= self.retry.attempts:
                raise failure
            wait = self.retry.delay(attempt, failure.retry_after)
            log.info("%s %s: %s; retrying in %.2fs (attempt %d of %d)",
                     self.provider, call, failure.detail, wait, attempt + 1, self.retry.attempts)
            self.sleep(wait)

    def _send_once(self, method: str, url: str, *, call: str, attempt: int, **kwargs: Any) -> requests.Response:
        started = time.monotonic()
        self.requests_sent += 1
        try:
            response = self.session.request(method, url, allow_redirects=False, stream=True,
                                            timeout=self.timeout, **kwargs)
            _refuse_redirect(response, self.provider, call)
            limits.read_body(response, started + self.timeout)
        except (requests.exceptions.RequestException, limits.BodyTooLarge, HostRefused) as exc:
            log.debug("%s %s %s %s -> %s after %.0f ms", self.provider, call, method, redact_url(url),
                      type(exc).__name__, (time.monotonic() - started) * 1000)
            raise
        if log.isEnabledFor(logging.DEBUG):  # the common path: no URL parsing unless -v
            log.debug("%s %s %s %s -> %d in %.0f ms%s", self.provider, call, method, redact_url(url),
                      response.status_code, (time.monotonic() - started) * 1000,
                      f" (attempt {attempt})" if attempt > 1 else "")
        return response

    def _transport_failure(self, call: str, exc: Exception, what: str = "") -> TransientError:
        # The exception text of requests can hold the URL with its query: never show it.
        return TransientError(what or f"{type(exc).__name__} talking to the server", provider=self.provider,
                              call=call)


class HostRefused(Exception):
    """The prepared request would go where the account's credentials may not (nothing was sent)."""


class GuardedAdapter(HTTPAdapter):
    """An adapter that checks each prepared request right before it connects.

    ``Transport.send`` checks the URL it is given; this checks the URL requests actually
    prepared, read with urllib3's ``parse_url`` (the parser that picks the connection),
    against telconf's own reading: they must name the same host and port, and that host
    must be trusted with this provider's credentials.
    """

    def __init__(self, provider: str, **kwargs: Any):
        self.provider = provider
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        check_prepared(request.url or "", self.provider)
        return super().send(request, *args, **kwargs)


def check_prepared(url: str, provider: str) -> None:
    """``HostRefused`` unless urllib3 and telconf read ``url`` alike and its host is trusted for ``provider``."""
    from urllib3.util import parse_url
    from urllib3.exceptions import LocationParseError

    try:
        where = hosts.endpoint(url)
    except hosts.BadUrl as exc:
        raise HostRefused(str(exc)) from None
    try:
        parsed = parse_url(url)
        same = ((parsed.host or "").strip("[]").lower(), parsed.port) == (where.host, where.port)
    except (LocationParseError, ValueError):
        same = False
    if not same:
        raise HostRefused(f"the url {hosts.shown_url(url)!r} is read differently by the HTTP client; "
                          "nothing was sent")
    refused = hosts.host_refusal(where, provider)
    if refused:
        raise HostRefused(refused)


def _refuse_redirect(response: requests.Response, provider: str, call: str) -> None:
    """A 3xx answer is an error naming where it pointed: credentials never follow a redirect."""
    if not 300 <= response.status_code < 400:
        return
    location = response.headers.get("Location", "")
    response.close()
    host, port = hosts.host_and_port(location) if "://" in location else ("", None)
    where = escape(f"{host}:{port}" if port else host)[:100] or "the same host"
    raise ProviderError(
        f"the server answered HTTP {response.status_code}, redirecting to {where}; telconf never follows "
        "redirects (nothing was sent there): set the account's url to the final address",
        provider=provider, call=call)


def _status_failure(response: requests.Response, provider: str, call: str,
                    error_detail: Callable[[requests.Response], tuple[str, str | None] | None] | None = None,
                    ) -> TransientError | None:
    status = response.status_code
    if status == 429:
        return TransientError("HTTP 429 (rate limited)", provider=provider, call=call,
                              retry_after=_retry_after(response))
    if status >= 500:
        detail = error_detail(response) if error_detail else None
        if detail:
            return TransientError(f"{detail[0]} (HTTP {status})", provider=provider, call=call, code=detail[1])
        return TransientError(f"HTTP {status}", provider=provider, call=call)
    return None


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except (ValueError, OverflowError):
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def tls_problem(exc: BaseException) -> str:
    """What went wrong in a TLS handshake, from the ``ssl`` error inside ``exc`` (never its URL)."""
    found: ssl.SSLError | None = None
    pending, seen = [exc], set()
    while pending and found is None:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, ssl.SSLError):
            found = error
        pending += [e for e in (getattr(error, "reason", None), error.__cause__, error.__context__, *error.args)
                    if isinstance(e, BaseException)]
    if isinstance(found, ssl.SSLCertVerificationError):
        return (f"TLS: the server's certificate is not trusted ({found.verify_message or found.reason}); "
                "certificate verify failed: is its CA in ca_bundle or the system's trust store?")
    reason = str(getattr(found, "reason", "") or "").replace("_", " ").lower() or "handshake failed"
    if "certificate" in reason or "handshake" in reason:
        return f"TLS: the server refused the connection ({reason}); does it require a client certificate?"
    return f"TLS: the secure connection failed ({reason})"


def _never_reached_server(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the connection failed before the request could be sent."""
    text = repr(exc)
    return any(marker in text for marker in ("NewConnectionError", "Connection refused", "NameResolutionError"))
