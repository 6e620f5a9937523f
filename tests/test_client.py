"""Client configuration and lifecycle: URLs, environment, sessions, secrets."""

from __future__ import annotations

import gc
import logging
import warnings

import aiohttp
import pytest

from scalingo_async import Client, ClientClosedError
from scalingo_async.testing import FakeScalingo


def test_needs_a_token() -> None:
    with pytest.raises(ValueError, match="API token"):
        Client()


@pytest.mark.parametrize("field", ["api_url", "auth_url"])
def test_plain_http_only_on_loopback(field: str) -> None:
    with pytest.raises(ValueError, match="https://"):
        Client("tk-us-x", **{field: "http://api.osc-fr1.scalingo.com"})
    Client("tk-us-x", **{field: "http://127.0.0.1:9"})


def test_max_retries_checked() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        Client("tk-us-x", max_retries=-1)


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALINGO_API_TOKEN", "tk-us-secret-from-env")
    monkeypatch.setenv("SCALINGO_REGION", "osc-secnum-fr1")
    monkeypatch.setenv("SCALINGO_AUTH_URL", "http://127.0.0.1:1")
    monkeypatch.delenv("SCALINGO_API_URL", raising=False)
    client = Client.from_env()
    assert client.region == "osc-secnum-fr1"
    assert client.api_url is None
    assert client.auth_url == "http://127.0.0.1:1"
    monkeypatch.setenv("SCALINGO_API_URL", "https://api.example.test/")
    assert Client.from_env().api_url == "https://api.example.test"
    assert Client.from_env(api_url="http://localhost:2").api_url == "http://localhost:2"
    monkeypatch.delenv("SCALINGO_API_TOKEN")
    with pytest.raises(ValueError, match="SCALINGO_API_TOKEN"):
        Client.from_env()


def test_default_region_and_urls() -> None:
    client = Client("tk-us-x")
    assert client.region == "osc-fr1"
    assert client.auth_url == "https://auth.scalingo.com"
    assert client.api_url is None


def test_repr_hides_tokens() -> None:
    client = Client("tk-us-very-secret", bearer_token="eyJ.secret.bearer")
    shown = repr(client) + str(client) + repr(client._transport.credentials)
    assert "very-secret" not in shown
    assert "secret.bearer" not in shown


async def test_session_is_lazy_and_close_is_idempotent(fake_scalingo: FakeScalingo) -> None:
    client = fake_scalingo.client()
    assert client._transport._session._session is None
    await client.event_types.list()
    session = client._transport._session._session
    assert session is not None
    assert not session.closed
    await client.close()
    await client.close()
    assert session.closed
    with pytest.raises(ClientClosedError, match="closed"):
        await client.event_types.list()


async def test_a_callers_session_is_used_and_never_closed(fake_scalingo: FakeScalingo) -> None:
    async with aiohttp.ClientSession() as session:
        async with fake_scalingo.client(session=session) as client:
            assert len(await client.event_categories.list()) == 2
        assert not session.closed
        async with session.get(fake_scalingo.api_url + "/v1/event_types") as resp:
            assert resp.status == 401  # the caller's session still works


async def test_no_unclosed_session_warning(
    fake_scalingo: FakeScalingo, caplog: pytest.LogCaptureFixture
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with fake_scalingo.client() as client:
            await client.event_types.list()
        del client
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert "Unclosed" not in caplog.text


async def test_user_agent_and_accept_headers(fake_scalingo: FakeScalingo) -> None:
    async with fake_scalingo.client(user_agent="my-bot/1.0") as client:
        await client.event_types.list()
    request = fake_scalingo.requests_to("GET", "/v1/event_types")[0]
    assert request.headers["User-Agent"] == "my-bot/1.0"
    assert request.headers["Accept"] == "application/json"
    async with fake_scalingo.client() as client:
        await client.event_types.list()
    assert (
        fake_scalingo.requests_to("GET", "/v1/event_types")[1]
        .headers["User-Agent"]
        .startswith("scalingo-async/")
    )


async def test_debug_logs_never_show_tokens(
    fake_scalingo: FakeScalingo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="scalingo_async")
    async with fake_scalingo.client() as client:
        await client.event_types.list()
        fake_scalingo.revoke_tokens()
        await client.event_types.list()
    assert "GET" in caplog.text
    bearers = [r.headers["Authorization"] for r in fake_scalingo.requests if r.service == "api"]
    assert fake_scalingo.api_token not in caplog.text
    assert not any(b.split()[1] in caplog.text for b in bearers)
