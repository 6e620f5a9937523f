"""Every error status and bad body, end to end over loopback."""

from __future__ import annotations

import pytest

from scalingo_async import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    DecodeError,
    ForbiddenError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
    ScalingoError,
    ServerError,
    ValidationError,
)
from scalingo_async.testing import FakeScalingo

PATH = "/v1/event_types"


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (400, {"error": "There was a problem in the JSON you submitted"}, BadRequestError),
        (401, {"error": "OTP Required"}, AuthenticationError),
        (402, {"error": "Sorry, you need to verify your account",
               "url": "https://my.scalingo.com/apps/billing"}, PaymentRequiredError),
        (403, {"error": "You are not allowed to do this"}, ForbiddenError),
        (404, {"resource": "app", "error": "not found"}, NotFoundError),
        (409, {"error": "an operation is already running"}, ConflictError),
        (422, {"errors": {"name": ["should contain only lowercap letters"]}}, ValidationError),
        (429, "Retry later", RateLimitError),
        (500, {"error": "Internal error occured, we're on it!"}, ServerError),
    ],
)  # fmt: skip
async def test_error_statuses(
    fake_scalingo: FakeScalingo, status: int, body: object, cls: type[APIError]
) -> None:
    fake_scalingo.fail_next("GET", PATH, status, body, times=3,
                            headers={"X-Request-ID": "rid-1"})  # fmt: skip
    async with fake_scalingo.client(max_retries=0) as client:
        with pytest.raises(cls) as info:
            await client.event_types.list()
    error = info.value
    assert isinstance(error, ScalingoError)
    assert error.status == status
    assert error.method == "GET"
    assert error.request_url == fake_scalingo.api_url + PATH
    assert error.request_id == "rid-1"
    if isinstance(body, dict):
        assert error.body == body
    assert fake_scalingo.api_token not in str(error)


async def test_payment_required_url(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.fail_next("GET", PATH, 402, {"error": "verify",
                            "url": "https://my.scalingo.com/apps/billing"})  # fmt: skip
    async with fake_scalingo.client() as client:
        with pytest.raises(PaymentRequiredError) as info:
            await client.event_types.list()
    assert info.value.url == "https://my.scalingo.com/apps/billing"


async def test_429_plain_text_is_a_rate_limit_not_a_decode_error(
    fake_scalingo: FakeScalingo,
) -> None:
    # API-NOTES.md: "429 | plain text `Retry later` (not JSON)"
    fake_scalingo.fail_next("GET", PATH, 429, b"Retry later", headers={"Retry-After": "120"})
    async with fake_scalingo.client() as client:
        with pytest.raises(RateLimitError, match="Retry later") as info:
            await client.event_types.list()
    # 120 s is above the cap: raised at once instead of sleeping for minutes.
    assert info.value.retry_after == 120.0
    assert len(fake_scalingo.requests_to("GET", PATH)) == 1


async def test_get_is_retried_on_503_and_429(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.fail_next("GET", PATH, 503, {"error": "busy"})
    fake_scalingo.fail_next("GET", PATH, 429, b"Retry later", headers={"Retry-After": "0"})
    async with fake_scalingo.client(max_retries=2) as client:
        assert len(await client.event_types.list()) == 3
    assert len(fake_scalingo.requests_to("GET", PATH)) == 3


async def test_retries_exhausted_shows_the_count(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.fail_next("GET", PATH, 502, b"<html>bad gateway</html>", times=5,
                            headers={"Retry-After": "0"})  # fmt: skip
    async with fake_scalingo.client(max_retries=2) as client:
        with pytest.raises(ServerError) as info:
            await client.event_types.list()
    assert info.value.retries == 2
    assert len(fake_scalingo.requests_to("GET", PATH)) == 3


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"", "empty body"),
        (b"<html><h1>Gateway</h1></html>", "not JSON"),
        (b'{"event_types": [{"id": "x", "na', "not JSON"),
        (b'{"event_types": {"id": "x"}}', "to be a list"),
        (b'{"event_types": [{"id": 12, "name": "x"}]}', "expected a string"),
        (b'{"something_else": []}', "expected key 'event_types'"),
    ],
)
async def test_bad_success_bodies(fake_scalingo: FakeScalingo, body: bytes, match: str) -> None:
    fake_scalingo.fail_next("GET", PATH, 200, body)
    async with fake_scalingo.client() as client:
        with pytest.raises(DecodeError, match=match) as info:
            await client.event_types.list()
    assert info.value.url == fake_scalingo.api_url + PATH
    assert info.value.status == 200
    assert info.value.excerpt == body.decode()[:200]


async def test_connection_refused(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    async with Client(bearer_token="b", api_url=url, max_retries=1) as client:
        with pytest.raises(APIConnectionError, match="failed") as info:
            await client.event_types.list()
    assert info.value.retries == 1
    assert info.value.method == "GET"
