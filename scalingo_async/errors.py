"""The exception hierarchy.

Every error the SDK raises is a `ScalingoError`. HTTP answers outside the expected statuses
become an `APIError` subclass chosen by status, carrying the request and the response so a
caller can log or branch on them without parsing messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Deployment, Operation

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "DecodeError",
    "DeploymentFailedError",
    "ForbiddenError",
    "NotFoundError",
    "OperationFailedError",
    "OperationTimeoutError",
    "PaymentRequiredError",
    "RateLimitError",
    "RegionNotFoundError",
    "ScalingoError",
    "ServerError",
    "StreamAuthenticationError",
    "StreamError",
    "ValidationError",
]


EXCERPT_CHARS = 200


def excerpt(body: bytes) -> str:
    """The start of a body, as text, for an error message."""
    return body[: EXCERPT_CHARS * 4].decode("utf-8", "replace")[:EXCERPT_CHARS]


class ScalingoError(Exception):
    """Root of every error raised by scalingo_async."""


class ClientClosedError(ScalingoError, RuntimeError):
    """The client was used after `close()`."""


class RegionNotFoundError(ScalingoError, LookupError):
    """The requested region is not among the regions the auth service lists for this account."""

    def __init__(self, region: str, available: list[str]) -> None:
        self.region = region
        self.available = available
        names = ", ".join(available) or "none"
        super().__init__(f"region {region!r} is not available to this account (available: {names})")


class APIConnectionError(ScalingoError):
    """The request could not be completed: DNS, refused connection, reset, TLS..."""

    def __init__(self, message: str, *, method: str, url: str, retries: int = 0) -> None:
        self.method = method
        self.url = url
        self.retries = retries
        super().__init__(message)


class APITimeoutError(APIConnectionError, TimeoutError):
    """The request did not complete within its timeout."""


class DecodeError(ScalingoError, ValueError):
    """A body (or stream frame) was not the JSON we expect. `excerpt` holds its start."""

    def __init__(
        self,
        message: str,
        *,
        excerpt: str = "",
        method: str | None = None,
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        self.reason = message
        self.excerpt = excerpt
        self.method = method
        self.url = url
        self.status = status
        where = f"{method} {url}: " if method and url else ""
        shown = f" (body starts with: {excerpt!r})" if excerpt else ""
        super().__init__(f"{where}{message}{shown}")


class APIError(ScalingoError):
    """The API answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str,
        url: str,
        body: Any = None,
        request_id: str | None = None,
        retries: int = 0,
    ) -> None:
        self.message = message
        self.status = status
        self.method = method
        self.url = url
        self.request_url = url
        self.body = body
        self.request_id = request_id
        self.retries = retries
        super().__init__(message)

    def __str__(self) -> str:
        rid = f", request id {self.request_id}" if self.request_id else ""
        return f"{self.method} {self.request_url} -> {self.status}: {self.message}{rid}"


class BadRequestError(APIError):
    """400: the request body was not valid JSON for the API."""


class AuthenticationError(APIError):
    """401: the token was refused. `otp_required` is true when two-factor auth is needed."""

    @property
    def otp_required(self) -> bool:
        return "otp required" in self.message.lower()


class PaymentRequiredError(APIError):
    """402: the action needs a verified billing profile.

    `url` is the page where the user fixes it, as the API names it (the request's URL stays in
    `request_url`); `billing_url` is the same, or None when the body names none.
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        value = self.body.get("url") if isinstance(self.body, dict) else None
        self.billing_url: str | None = value if isinstance(value, str) else None
        if self.billing_url:
            self.url = self.billing_url


class ForbiddenError(APIError):
    """403: the token is valid but may not do this."""


class NotFoundError(APIError):
    """404: `resource` names what was not found ("app", "deployment"...), when the API says."""

    @property
    def resource(self) -> str | None:
        value = self.body.get("resource") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else None


class ConflictError(APIError):
    """409: the resource is in a state that forbids this action."""


class ValidationError(APIError):
    """422: `errors` maps each refused field to its messages."""

    @property
    def errors(self) -> dict[str, list[str]]:
        raw = self.body.get("errors") if isinstance(self.body, dict) else None
        if not isinstance(raw, dict):
            return {}
        return {
            str(field): [str(m) for m in msgs] if isinstance(msgs, list) else [str(msgs)]
            for field, msgs in raw.items()
        }


class RateLimitError(APIError):
    """429: too many requests. `retry_after` is the wait in seconds the server asked for, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(APIError):
    """5xx: something broke on the API's side; nothing the caller can fix."""


class OperationFailedError(ScalingoError):
    """An operation ended with status `error`. `operation` is its last state."""

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        reason = operation.error or "no reason given"
        super().__init__(f"operation {operation.id} ({operation.type}) failed: {reason}")


class OperationTimeoutError(ScalingoError, TimeoutError):
    """`operations.wait` gave up. `operation` is the last state seen, if any was fetched."""

    def __init__(self, operation_id: str, timeout: float, operation: Operation | None) -> None:
        self.operation_id = operation_id
        self.timeout = timeout
        self.operation = operation
        last = f"; last status: {operation.status}" if operation else ""
        super().__init__(f"operation {operation_id} not finished after {timeout:g}s{last}")


class StreamError(ScalingoError):
    """The live deployment stream could not be opened, or was lost for good."""


class StreamAuthenticationError(StreamError):
    """The deployment stream closed at once after the auth frame: the token was refused."""


class DeploymentFailedError(ScalingoError):
    """A deployment ended with a status other than success.

    `deployment` is its final state; `lines` the last lines of its build log, to show why.
    """

    def __init__(self, deployment: Deployment, lines: list[str]) -> None:
        self.deployment = deployment
        self.lines = lines
        tail = "".join(f"\n  {line}" for line in lines[-10:])
        super().__init__(f"deployment {deployment.id} ended with status {deployment.status}{tail}")
