"""The pure protocol rules, tested without any I/O."""

from __future__ import annotations

import base64
from email.utils import formatdate

import orjson
import pytest

from scalingo_async import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    Pagination,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from scalingo_async._protocol import (
    backoff_delay,
    check_base_url,
    error_from_response,
    jwt_expiry,
    operation_id_from,
    parse_pagination,
    parse_retry_after,
    path_segment,
)


def err(status: int, body: bytes, headers: dict[str, str] | None = None) -> APIError:
    return error_from_response(
        status, headers or {}, body, method="GET", url="https://api.test/v1/x", now=1000.0
    )


# Bodies quoted from global-information.md and API-NOTES.md.
@pytest.mark.parametrize(
    ("status", "body", "cls", "message"),
    [
        (400, b'{"error" : "There was a problem in the JSON you submitted: 795: unexpected'
              b" token at '{\\\"user\\\": {'\"}", BadRequestError,
         "There was a problem in the JSON you submitted"),
        (401, b'{"error": "OTP Required"}', AuthenticationError, "OTP Required"),
        (402, b'{"error": "Sorry, you need to verify your account (billing profile and payment'
              b' card) to create a new app", "url": "https://my.scalingo.com/apps/billing"}',
         PaymentRequiredError, "you need to verify your account"),
        (403, b'{"error": "forbidden"}', ForbiddenError, "forbidden"),
        (404, b'{"resource": "app", "error" : "not found"}', NotFoundError, "app not found"),
        (409, b'{"error": "a deployment is already running"}', ConflictError, "already running"),
        (422, b'{"errors": {"name": [ "should contain only lowercap letters, digits and'
              b' hyphens" ]}}', ValidationError, "name should contain only lowercap"),
        (429, b"Retry later", RateLimitError, "Retry later"),
        (500, b'{"error": "Internal error occured, we\'re on it!"}', ServerError,
         "Internal error occured"),
        (502, b"<html><body>Bad gateway</body></html>", ServerError, "failed on its side"),
        (503, b"", ServerError, "failed on its side"),
    ],
)  # fmt: skip
def test_each_status_maps_to_its_error(
    status: int, body: bytes, cls: type[APIError], message: str
) -> None:
    error = err(status, body, {"X-Request-ID": "req-42"})
    assert type(error) is cls
    assert error.status == status
    assert message in error.message
    assert error.request_id == "req-42"
    assert error.method == "GET"
    assert "req-42" in str(error)
    assert str(status) in str(error)


def test_error_fields() -> None:
    payment = err(402, b'{"error": "verify", "url": "https://my.scalingo.com/apps/billing"}')
    assert isinstance(payment, PaymentRequiredError)
    assert payment.url == "https://my.scalingo.com/apps/billing"
    assert payment.request_url == "https://api.test/v1/x"
    missing = err(404, b'{"resource": "deployment", "error": "not found"}')
    assert isinstance(missing, NotFoundError)
    assert missing.resource == "deployment"
    invalid = err(422, b'{"errors": {"app": ["missing field"], "name": ["too short", "bad"]}}')
    assert isinstance(invalid, ValidationError)
    assert invalid.errors == {"app": ["missing field"], "name": ["too short", "bad"]}
    assert isinstance(err(401, b'{"error": "OTP Required"}'), AuthenticationError)
    otp = err(401, b'{"error": "OTP Required"}')
    assert isinstance(otp, AuthenticationError)
    assert otp.otp_required


def test_unknown_status_and_html_bodies_stay_readable() -> None:
    teapot = err(418, b"<html>" + b"x" * 100_000)
    assert type(teapot) is APIError
    assert "<html>" not in teapot.message
    assert len(str(teapot.body)) <= 200


def test_rate_limit_retry_after_in_seconds_and_as_a_date() -> None:
    seconds = err(429, b"Retry later", {"Retry-After": "7"})
    assert isinstance(seconds, RateLimitError)
    assert seconds.retry_after == 7.0
    date = formatdate(1030.0, usegmt=True)
    dated = err(429, b"Retry later", {"Retry-After": date})
    assert isinstance(dated, RateLimitError)
    assert dated.retry_after == pytest.approx(30.0)
    none = err(429, b"Retry later")
    assert isinstance(none, RateLimitError)
    assert none.retry_after is None


def test_parse_retry_after() -> None:
    assert parse_retry_after(None, 0) is None
    assert parse_retry_after("garbage", 0) is None
    assert parse_retry_after("-3", 0) == 0.0
    assert parse_retry_after(formatdate(500.0, usegmt=True), 1000.0) == 0.0


def test_pagination_nested_shape_from_deployments_md() -> None:
    body = {"deployments": [], "meta": {"pagination": {"current_page": 1, "prev_page": None,
            "next_page": None, "total_pages": 1, "total_count": 1}}}  # fmt: skip
    assert parse_pagination(body) == Pagination(1, None, None, 1, 1)


def test_pagination_flat_shape_from_global_information_md() -> None:
    body = {"events": [], "meta": {"current_page": 4, "prev_page": 3, "next_page": 5,
            "total_pages": 12, "total_count": 240}}  # fmt: skip
    assert parse_pagination(body) == Pagination(4, 3, 5, 12, 240)


def test_pagination_strings_empty_and_missing() -> None:
    # The global document's template shows every value as a string.
    body = {"meta": {"pagination": {"current_page": "2", "prev_page": "1", "next_page": "",
            "total_pages": "2", "total_count": "30"}}}  # fmt: skip
    assert parse_pagination(body) == Pagination(2, 1, None, 2, 30)
    assert parse_pagination({"events": []}) is None
    assert parse_pagination({"meta": {"other": 1}}) is None
    assert parse_pagination({"meta": None}) is None


@pytest.mark.parametrize(
    "url",
    ["https://api.osc-fr1.scalingo.com", "http://127.0.0.1:8080", "http://127.4.5.6",
     "http://localhost:1/", "http://[::1]:9000"],
)  # fmt: skip
def test_accepted_base_urls(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    ["http://api.osc-fr1.scalingo.com", "http://10.0.0.1", "ftp://x", "api.scalingo.com",
     "https://", "http://localhost.evil.com"],
)  # fmt: skip
def test_refused_base_urls(url: str) -> None:
    with pytest.raises(ValueError, match="https://"):
        check_base_url(url)


def test_path_segments_are_quoted_and_traversal_refused() -> None:
    assert path_segment("my-app") == "my-app"
    assert path_segment("a b?c#d%") == "a%20b%3Fc%23d%25"
    for bad in ["", " ", ".", "..", "a/b", "../admin", "a\\b", "x\ny"]:
        with pytest.raises(ValueError, match="app"):
            path_segment(bad, "app")


def _jwt(claims: dict[str, object]) -> str:
    def enc(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return f"{enc(b'{}')}.{enc(orjson.dumps(claims))}.sig"


def test_jwt_expiry() -> None:
    assert jwt_expiry(_jwt({"exp": 1_700_000_000})) == 1_700_000_000.0
    assert jwt_expiry(_jwt({"sub": "x"})) is None
    assert jwt_expiry("not-a-jwt") is None
    assert jwt_expiry("a.!!!.c") is None


def test_operation_id_from_id_or_location() -> None:
    # API-NOTES.md: "Location header: https://.../v1/apps/:app/operations/:id"
    url = "https://api.osc-fr1.scalingo.com/v1/apps/example-app/operations/52fd2357356330032b080000"
    assert operation_id_from("example-app", url) == "52fd2357356330032b080000"
    assert operation_id_from("example-app", "52fd") == "52fd"
    with pytest.raises(ValueError, match="belongs to app"):
        operation_id_from("other-app", url)
    with pytest.raises(ValueError, match="not an operation URL"):
        operation_id_from("example-app", "https://api.test/v1/apps/example-app")


def test_backoff_is_jittered_exponential_and_capped() -> None:
    assert backoff_delay(0, rand=1.0) == 0.5
    assert backoff_delay(3, rand=1.0) == 4.0
    assert backoff_delay(30, rand=1.0) == 8.0
    assert backoff_delay(2, rand=0.0) == 0.0
    assert all(0 <= backoff_delay(4) <= 8.0 for _ in range(100))
