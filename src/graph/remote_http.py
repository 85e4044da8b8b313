"""HTTP for :class:`graph.remote.RemoteStore`: one request at a time, every failure a PlanGraph error.

Why a module of its own: the store (:mod:`graph.remote`) speaks SPARQL and the
Graph Store Protocol; this module speaks HTTP — no proxy from the
environment, Basic or Digest credentials (Digest without resending a large
body), and the mapping of unreachable servers, timeouts and HTTP statuses to
:class:`~graph.errors.StoreError`, :class:`~graph.errors.AuthError`,
:class:`~graph.errors.QuerySyntaxError` and :class:`~graph.errors.QueryTimeout`.
"""

from __future__ import annotations

import base64
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Mapping

from .errors import AuthError, QuerySyntaxError, QueryTimeout, StoreError


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line[:300]


class HttpClient:
    """Requests to one SPARQL server's URLs with the store's credentials and timeout."""

    def __init__(self, *, user: str | None, password: str | None, auth: str, timeout_s: float):
        self.user, self._password, self.auth = user, password, auth
        self.timeout_s = timeout_s
        self._no_auth: set[str] = set()

    def opener(self) -> urllib.request.OpenerDirector:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an environment proxy

    def auth_header(self, url: str, method: str, timeout: float) -> str | None:
        """The Authorization header for one request, or None.

        Basic is sent up front. Digest needs the server's challenge first; we
        fetch it with a body-less GET, because a server that answers 401 to a
        large PUT or POST closes the connection before reading the body
        (Virtuoso does), which urllib's own retrying handler turns into
        "connection reset". URLs that turn out to need no credentials are remembered.
        """
        if self.user is None:
            return None
        if self.auth != "digest":
            token = base64.b64encode(f"{self.user}:{self._password or ''}".encode()).decode()
            return "Basic " + token
        if url.split("?")[0] in self._no_auth:
            return None
        try:
            with self.opener().open(urllib.request.Request(url, method="GET"), timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "")
            exc.close()
            if exc.code == 401 and challenge.lower().startswith("digest "):
                mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                mgr.add_password(None, url, self.user, self._password or "")
                handler = urllib.request.HTTPDigestAuthHandler(mgr)
                chal = urllib.request.parse_keqv_list(
                    filter(None, urllib.request.parse_http_list(challenge[7:])))
                return "Digest " + handler.get_authorization(urllib.request.Request(url, method=method), chal)
            if exc.code == 401:
                raise AuthError(f"SPARQL server at {url} does not offer Digest authentication") from None
        except (urllib.error.URLError, OSError):
            return None  # the real request reports the connection problem
        self._no_auth.add(url.split("?")[0])
        return None

    def request(self, url: str, *, data: bytes | None = None, method: str = "POST",
                 headers: Mapping[str, str] | None = None, timeout: float | None = None):
        """Send one request; return the open response. Every failure becomes a PlanGraph error."""
        timeout = timeout or self.timeout_s
        headers = dict(headers or {})
        try:
            if auth := self.auth_header(url, method, timeout):
                headers["Authorization"] = auth
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            return self.opener().open(req, timeout=timeout)
        except urllib.error.HTTPError as exc:
            body = exc.read() if exc.fp else b""
            raise self.http_error(url, exc.code, body) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise QueryTimeout(f"SPARQL server at {url} did not answer within {timeout:g} s") from None
            reason = getattr(exc.reason, "strerror", None) or str(exc.reason)
            raise StoreError(f"cannot reach SPARQL server at {url}: {reason}") from None
        except (socket.timeout, TimeoutError):
            raise QueryTimeout(f"SPARQL server at {url} did not answer within {timeout:g} s") from None
        except OSError as exc:
            raise StoreError(f"cannot reach SPARQL server at {url}: {exc.strerror or type(exc).__name__}") \
                from None

    @staticmethod
    def http_error(url: str, status: int, body: bytes):
        line = _first_line(body)
        if status in (401, 403):
            return AuthError(f"SPARQL server at {url} refused the credentials ({status})"
                             + (f": {line}" if line and status == 403 else ""))
        if status == 400:
            return QuerySyntaxError(f"SPARQL server at {url} rejected the request: {line or 'bad request'}")
        if status in (503, 504) or "S1T00" in line or "timed out" in line.lower() or "timeout" in line.lower():
            return QueryTimeout(f"SPARQL server at {url} timed out ({status}): {line}")
        return StoreError(f"SPARQL server at {url} failed ({status}): {line or 'no message'}")

    def post_form(self, url: str, fields: list[tuple[str, str]], accept: str, timeout: float | None = None):
        return self.request(url, data=urllib.parse.urlencode(fields).encode(), timeout=timeout,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                                      "Accept": accept})
