"""Who may write: the one check behind every write route (updates, Graph Store, imports).

Writes are off unless the ``update_token`` setting is set; then a request must
carry ``Authorization: Bearer <token>`` (or Basic with the token as password). Browsers' HTML forms cannot set that
header, so the import form sends the token as a form field instead, which is
just as CSRF-safe: the app has no cookies or sessions that a cross-site page
could ride on, so a forged request can only succeed if it already knows the
secret. Tokens are compared in constant time.
"""

from __future__ import annotations

import base64
import hmac

from flask import request

from graph.errors import AuthError

from . import get_settings


def presented_token(*, allow_form: bool = False) -> str | None:
    """The token the request carries: the Bearer header, Basic's password, or (HTML forms) a ``token`` field.

    Basic, with any user name and the token as password, is what SPARQL clients
    send when given credentials (SPARQLWrapper's ``setCredentials``, rdflib's
    ``SPARQLUpdateStore(auth=…)``); the challenge stays Bearer, so a browser
    never pops up a login dialog.
    """
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    if header[:6].lower() == "basic ":
        try:
            _, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):  # binascii.Error is a ValueError
            return None
        return password
    if allow_form:
        return request.form.get("token") or None
    return None


def require_write_token(*, allow_form: bool = False) -> None:
    """Raise unless writes are enabled and the request carries the configured token."""
    expected = get_settings().update_token
    if not expected:
        raise AuthError("書き込みは無効です（PLANGRAPH_UPDATE_TOKEN が未設定）/ "
                        "writes are disabled: no update token is configured", title="Writes are disabled", status=403)
    given = presented_token(allow_form=allow_form)
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise AuthError("書き込みには正しいトークンが必要です / a valid bearer token is required to write")
