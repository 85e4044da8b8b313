"""PlanGraph's one error hierarchy.

Every failure a user can cause or meet is one of these, so the CLI can print
one line and exit non-zero, and the web app can answer one error shape
(``{"ok": false, "error": ..., "title": ..., "status": ...}``) or one error page.
The tree, as httpx draws its own::

    PlanGraphError
    ├── ConfigError            a setting has a value we cannot use
    ├── InputError             a file or upload is not what it should be
    │   ├── ParseError             RDF / spreadsheet syntax (file, line, column)
    │   └── ValidationError        parsed, but breaks the shapes or a rule
    ├── QueryError             a query cannot be run as asked
    │   ├── QuerySyntaxError       the SPARQL parser said no
    │   ├── QueryForbidden         SERVICE, LOAD, FROM <not ours>, updates on a read-only path
    │   ├── QueryTimeout           the deadline passed; the worker was killed
    │   ├── UnknownQuery           no named query by that name
    │   └── ParameterError         a named query's parameter is missing or malformed
    ├── NotFound               no such resource / graph
    ├── AuthError              an update or import without the right token
    └── StoreError             the store itself failed (disk, remote server down, 401/500)

``status`` is the HTTP status the web app answers with; ``title`` a short
human heading. Messages never carry tracebacks or raw exception reprs.

An error a person may meet on a page carries its sentence in both languages
(``message`` in English, ``message_ja`` in Japanese), written once where it is
raised. Pages show the one their language asks for (:meth:`PlanGraphError.text`);
the API, the protocol routes and the CLI, whose reader's language is unknown,
get both in one line (``message``'s value is then ``"English / 日本語"``).
``detail`` keeps what a parser said, in its own words, for whoever wants it:
the page shows it under the sentence, the one-line forms append it.

>>> e = QueryForbidden("SERVICE is not allowed", message_ja="SERVICE は使えません")
>>> e.text("ja"), e.text("en")
('SERVICE は使えません', 'SERVICE is not allowed')
>>> e.message
'SERVICE is not allowed / SERVICE は使えません'
"""

from __future__ import annotations


class PlanGraphError(Exception):
    """Base class: a message for people (English, and Japanese where a page may show it),
    a title and an HTTP status."""

    status: int = 500
    title: str = "Error"

    def __init__(self, message: str, *, message_ja: str | None = None, detail: str | None = None,
                 title: str | None = None, status: int | None = None):
        self.message_en = message
        self.message_ja = message_ja
        self.detail = detail
        both = f"{message} / {message_ja}" if message_ja else message
        self.message = f"{both} ({detail})" if detail else both
        super().__init__(self.message)
        if title is not None:
            self.title = title
        if status is not None:
            self.status = status

    def text(self, lang: str) -> str:
        """The sentence in one language, for a page: Japanese when asked and known, else English.
        ``detail`` is not part of it (a page shows it apart)."""
        return self.message_ja if lang == "ja" and self.message_ja else self.message_en

    def to_dict(self) -> dict:
        """The one error shape shared by the JSON API and the CLI's ``--json`` output."""
        return {"ok": False, "error": self.message, "title": self.title, "status": self.status}

    def __str__(self) -> str:  # one line, for the CLI
        return self.message


class ConfigError(PlanGraphError):
    status = 500
    title = "Configuration error"


class InputError(PlanGraphError):
    """Bad input. ``source`` names the file (or upload) and line/column where known."""

    status = 400
    title = "Invalid input"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        message_ja: str | None = None,
        detail: str | None = None,
        title: str | None = None,
        status: int | None = None,
    ):
        self.source, self.line, self.column = source, line, column
        where = source or ""
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        def at(text: str | None) -> str | None:
            return f"{where}: {text}" if where and text else text
        super().__init__(at(message), message_ja=at(message_ja), detail=detail, title=title, status=status)


class ParseError(InputError):
    title = "Syntax error"


class ValidationError(InputError):
    """Data that parses but does not conform. ``report`` is the readable report."""

    title = "Validation failed"

    def __init__(self, message: str, *, report: str | None = None, **kw):
        super().__init__(message, **kw)
        self.report = report


class QueryError(PlanGraphError):
    status = 400
    title = "Query error"


class QuerySyntaxError(QueryError):
    title = "Malformed query"


class QueryForbidden(QueryError):
    status = 400
    title = "Query not allowed"


class QueryTimeout(QueryError):
    status = 503
    title = "Query timed out"


class UnknownQuery(QueryError):
    status = 404
    title = "Unknown query"


class ParameterError(QueryError):
    title = "Bad query parameter"


class NotFound(PlanGraphError):
    status = 404
    title = "Not found"


class AuthError(PlanGraphError):
    status = 401
    title = "Unauthorized"


class NotReady(PlanGraphError):
    """An answer that cannot be given now but can be later: a big store's search index still
    being built, or every download slot busy (HTTP 503 with ``Retry-After``)."""

    status = 503
    title = "Not ready yet"
    #: Seconds after which the client may ask again (the ``Retry-After`` header).
    retry_after_s = 30


class StoreError(PlanGraphError):
    status = 502
    title = "Store error"
