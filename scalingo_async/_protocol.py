"""Protocol rules as pure functions: no I/O, so each is tested on its own.

Error mapping, pagination meta, retry decisions and backoff, URL and path-segment checks, and
reading a bearer token's expiry all live here; the transport only applies them.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import random
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import orjson

from . import errors
from ._converter import converter
from .errors import EXCERPT_CHARS, excerpt
from .models import (
    Deployment,
    DeploymentLogEvent,
    DeploymentNewEvent,
    DeploymentStatus,
    DeploymentStatusEvent,
    DeploymentStreamEvent,
    Pagination,
    PingEvent,
    StreamEvent,
)

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRYABLE_STATUSES",
    "backoff_delay",
    "check_base_url",
    "check_stream_url",
    "error_from_response",
    "jwt_expiry",
    "operation_id_from",
    "parse_frame",
    "parse_pagination",
    "parse_retry_after",
    "path_segment",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({408, 429, 502, 503, 504})
ERROR_BODY_LIMIT = 64 * 1024

_ERRORS_BY_STATUS: dict[int, type[errors.APIError]] = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    402: errors.PaymentRequiredError,
    403: errors.ForbiddenError,
    404: errors.NotFoundError,
    409: errors.ConflictError,
    422: errors.ValidationError,
    429: errors.RateLimitError,
}

_REASONS = {
    400: "the API could not read the request",
    401: "the token was refused; check SCALINGO_API_TOKEN",
    402: "payment required",
    403: "this token may not do that",
    404: "not found",
    409: "conflict with the resource's current state",
    422: "the API refused the request's data",
    429: "rate limit reached (the API allows 60 requests a minute); retry later",
}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, what: str = "api_url") -> str:
    """Return `url` without its trailing slash, or raise ValueError if it may not carry a token.

    The API is "TLS, or nothing": plain http is only accepted on loopback, where tests and the
    fake server run.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url.rstrip("/")
    if parts.scheme == "http" and _is_loopback(host):
        return url.rstrip("/")
    if parts.scheme == "http":
        raise ValueError(
            f"{what} must use https:// (plain http is only accepted for loopback hosts): {url!r}"
        )
    raise ValueError(f"{what} must be an https:// URL, got {url!r}")


def check_stream_url(url: str) -> str:
    """The deployment stream's URL must be wss://, or ws:// on loopback: it carries a token."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "wss" and host:
        return url
    if parts.scheme == "ws" and _is_loopback(host):
        return url
    raise ValueError(f"the deployment stream URL must be wss:// (ws:// only on loopback): {url!r}")


def path_segment(value: str, what: str = "name") -> str:
    """Quote a user-given name or id for use as one path segment, refusing any that could
    reach another path."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {type(value).__name__}")
    if not value or not value.strip():
        raise ValueError(f"{what} must not be empty")
    if value in (".", "..") or "/" in value or "\\" in value:
        raise ValueError(f"{what} must be a single path segment, got {value!r}")
    if any(ord(c) < 0x20 or c == "\x7f" for c in value):
        raise ValueError(f"{what} must not contain control characters, got {value!r}")
    return quote(value, safe="")


def _as_page_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def parse_pagination(data: Any) -> Pagination | None:
    """Read pagination meta in either shape the API uses: `meta.pagination.*` or `meta.*`."""
    meta = data.get("meta") if isinstance(data, dict) else None
    if not isinstance(meta, dict):
        return None
    nested = meta.get("pagination")
    source = nested if isinstance(nested, dict) else meta
    keys = ("current_page", "prev_page", "next_page", "total_pages", "total_count")
    if not any(k in source for k in keys):
        return None
    return Pagination(**{k: _as_page_number(source.get(k)) for k in keys})


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now)


def _message_from(status: int, data: Any, body: bytes) -> str:
    if isinstance(data, dict):
        if isinstance(data.get("error"), str) and data["error"]:
            text = str(data["error"])
            resource = data.get("resource")
            if status == 404 and isinstance(resource, str) and resource:
                return f"{resource} {text}"
            return text
        if isinstance(data.get("errors"), dict) and data["errors"]:
            return "; ".join(
                f"{field} {', '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
                for field, msgs in data["errors"].items()
            )
    reason = _REASONS.get(status) or (
        "the API failed on its side" if status >= 500 else "unexpected status"
    )
    text = excerpt(body).strip()
    # A plain-text body (the 429 "Retry later") is a message; HTML from a proxy is not.
    if text and data is None and not text.lstrip().startswith("<") and len(text) < 120:
        return f"{reason} ({text})"
    return reason


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    method: str,
    url: str,
    retries: int = 0,
    now: float = 0.0,
) -> errors.APIError:
    """Build the APIError for an error answer. Any body is accepted: JSON, text, HTML, empty."""
    body = body[:ERROR_BODY_LIMIT]
    data: Any = None
    try:
        data = orjson.loads(body) if body.strip() else None
    except orjson.JSONDecodeError:
        data = None
    message = _message_from(status, data, body)
    kwargs: dict[str, Any] = {
        "status": status,
        "method": method,
        "url": url,
        "body": data if data is not None else excerpt(body),
        "request_id": headers.get("X-Request-ID") or headers.get("X-Request-Id"),
        "retries": retries,
    }
    cls = _ERRORS_BY_STATUS.get(status)
    if cls is errors.RateLimitError:
        retry_after = parse_retry_after(headers.get("Retry-After"), now)
        return errors.RateLimitError(message, retry_after=retry_after, **kwargs)
    if cls is None:
        cls = errors.ServerError if status >= 500 else errors.APIError
    return cls(message, **kwargs)


def backoff_delay(
    attempt: int,
    *,
    base: float = 0.5,
    cap: float = 8.0,
    rand: float | None = None,
) -> float:
    """Exponential backoff with full jitter: a delay in [0, min(cap, base * 2**attempt)]."""
    ceiling = min(cap, base * 2.0**attempt)
    return ceiling * (random.random() if rand is None else rand)


def _b64url_json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return orjson.loads(base64.urlsafe_b64decode(padded))


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT as a Unix time, or None if the token does not say.

    The signature is not checked: the client only needs to know when to exchange again.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = _b64url_json(parts[1])
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        return float(exp)
    return None


def operation_id_from(app: str, id_or_url: str) -> str:
    """Take an operation id, or the `Location` URL of a 202 answer, and return the id.

    Only the path of the URL is read: the token is always sent to the client's own API host,
    never to a host named in a header.
    """
    if "://" not in id_or_url:
        return id_or_url
    segments = [s for s in urlsplit(id_or_url).path.split("/") if s]
    # .../v1/apps/:app/operations/:id
    if len(segments) >= 4 and segments[-2] == "operations" and segments[-4] == "apps":
        url_app = unquote(segments[-3])
        if url_app != app:
            raise ValueError(f"operation URL {id_or_url!r} belongs to app {url_app!r}, not {app!r}")
        return unquote(segments[-1])
    raise ValueError(f"not an operation URL (expected .../apps/APP/operations/ID): {id_or_url!r}")


def _frame_error(reason: str, raw: str | bytes) -> errors.DecodeError:
    text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    return errors.DecodeError(f"malformed stream frame: {reason}", excerpt=text[:EXCERPT_CHARS])


def _nonempty_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_frame(raw: str | bytes) -> StreamEvent:
    """Turn one websocket frame of the deployment stream into a typed event.

    Raises DecodeError for a frame that is not JSON, or a known type missing what it needs.
    """
    try:
        frame = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _frame_error("not JSON", raw) from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise _frame_error("expected an object with a string 'type'", raw)
    kind, data, dep_id = frame["type"], frame.get("data"), _nonempty_str(frame.get("id"))
    fields = data if isinstance(data, dict) else {}
    if kind == "ping":
        ts = fields.get("ts")
        return PingEvent(float(ts) if isinstance(ts, int | float) else None)
    if kind == "log":
        content = fields.get("content")
        if dep_id is None or not isinstance(content, str):
            raise _frame_error("a log frame needs 'id' and 'data.content'", raw)
        return DeploymentLogEvent(dep_id, content)
    if kind == "status":
        status = _nonempty_str(fields.get("status"))
        if dep_id is None or status is None:
            raise _frame_error("a status frame needs 'id' and 'data.status'", raw)
        return DeploymentStatusEvent(dep_id, DeploymentStatus(status))
    if kind == "new":
        # The document sends the id; the official CLI decodes a whole deployment object.
        value = fields.get("deployment")
        if isinstance(value, str) and value:
            return DeploymentNewEvent(value)
        if isinstance(value, dict):
            try:
                deployment = converter.structure(value, Deployment)
            except Exception as exc:
                raise _frame_error(f"unreadable deployment ({exc})", raw) from None
            return DeploymentNewEvent(deployment.id, deployment)
        raise _frame_error("a new frame needs 'data.deployment'", raw)
    return DeploymentStreamEvent(kind, data, dep_id)
