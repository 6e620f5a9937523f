"""Token exchange, single-flight refresh, 401 renewal and region resolution."""

from __future__ import annotations

import asyncio

import pytest

from scalingo_async import AuthenticationError, Client, RegionNotFoundError
from scalingo_async.testing import FakeScalingo


async def test_exchange_uses_basic_auth_with_the_api_token(fake_scalingo: FakeScalingo) -> None:
    async with fake_scalingo.client() as client:
        await client.event_types.list()
    exchange = fake_scalingo.requests_to("POST", "/v1/tokens/exchange")[0]
    # API-NOTES.md: "HTTP Basic auth, empty user name, the API token as password, no body"
    assert exchange.service == "auth"
    assert exchange.body == b""
    assert exchange.headers["Authorization"].startswith("Basic ")
    api_call = fake_scalingo.requests_to("GET", "/v1/event_types")[0]
    assert api_call.headers["Authorization"].startswith("Bearer ey")


async def test_fifty_concurrent_first_calls_make_one_exchange(
    fake_scalingo: FakeScalingo,
) -> None:
    async with fake_scalingo.client() as client:
        results = await asyncio.gather(*(client.event_types.list() for _ in range(50)))
    assert all(len(r) == 3 for r in results)
    assert fake_scalingo.exchanges == 1


async def test_token_reused_while_fresh(fake_scalingo: FakeScalingo) -> None:
    async with fake_scalingo.client() as client:
        for _ in range(5):
            await client.event_categories.list()
    assert fake_scalingo.exchanges == 1


async def test_exchanges_again_when_less_than_five_minutes_remain() -> None:
    async with FakeScalingo(token_lifetime=240) as fake, fake.client() as client:
        await client.event_types.list()
        await client.event_types.list()
    # Each token has 4 minutes left, under the 5-minute margin: the second call renews first.
    assert fake.exchanges == 2
    first, second = (r.headers["Authorization"] for r in fake.requests_to("GET", "/v1/event_types"))
    assert first != second


async def test_renews_once_after_a_401(fake_scalingo: FakeScalingo) -> None:
    async with fake_scalingo.client() as client:
        await client.event_types.list()
        fake_scalingo.revoke_tokens()
        assert len(await client.event_types.list()) == 3
        assert fake_scalingo.exchanges == 2
        fake_scalingo.revoke_tokens()
        await asyncio.gather(*(client.event_types.list() for _ in range(10)))
        assert fake_scalingo.exchanges == 3


async def test_a_second_401_is_raised(fake_scalingo: FakeScalingo) -> None:
    async with fake_scalingo.client() as client:
        await client.event_types.list()
        fake_scalingo.fail_next("GET", "/v1/event_types", 401, {"error": "nope"}, times=2)
        with pytest.raises(AuthenticationError, match="nope"):
            await client.event_types.list()
    assert len(fake_scalingo.requests_to("GET", "/v1/event_types")) == 3
    assert fake_scalingo.exchanges == 2


async def test_wrong_api_token(fake_scalingo: FakeScalingo) -> None:
    async with fake_scalingo.client(token="tk-us-wrong") as client:
        with pytest.raises(AuthenticationError) as info:
            await client.event_types.list()
    assert info.value.status == 401
    assert "/v1/tokens/exchange" in str(info.value)
    assert "refused the API token (invalid API token)" in str(info.value)
    assert "tk-us-wrong" not in str(info.value)
    assert not fake_scalingo.requests_to("GET", "/v1/event_types")


async def test_bearer_token_used_as_given(fake_scalingo: FakeScalingo) -> None:
    async with fake_scalingo.client() as client:
        await client.event_types.list()
    bearer = fake_scalingo.requests_to("GET", "/v1/event_types")[0].headers["Authorization"]
    async with fake_scalingo.client(token=None, bearer_token=bearer.split()[1]) as client:
        await client.event_types.list()
        assert fake_scalingo.exchanges == 1
        fake_scalingo.revoke_tokens()
        with pytest.raises(AuthenticationError):
            await client.event_types.list()  # nothing to renew it with


async def test_region_resolved_through_the_auth_service(fake_scalingo: FakeScalingo) -> None:
    async with Client(fake_scalingo.api_token, auth_url=fake_scalingo.auth_url) as client:
        assert await client.resolve_api_url() == fake_scalingo.api_url
        assert len(await client.event_types.list()) == 3
        assert [r.name for r in await client.regions()] == ["osc-fr1", "osc-secnum-fr1"]
    assert len(fake_scalingo.requests_to("GET", "/v1/regions")) == 2  # one lookup, one list()


async def test_named_region_and_unknown_region(fake_scalingo: FakeScalingo) -> None:
    async with Client(
        fake_scalingo.api_token, region="osc-secnum-fr1", auth_url=fake_scalingo.auth_url
    ) as client:
        assert await client.resolve_api_url() == fake_scalingo.api_url
    async with Client(
        fake_scalingo.api_token, region="mars-1", auth_url=fake_scalingo.auth_url
    ) as client:
        with pytest.raises(RegionNotFoundError, match="osc-fr1, osc-secnum-fr1"):
            await client.event_types.list()


async def test_api_url_wins_over_region(fake_scalingo: FakeScalingo) -> None:
    async with fake_scalingo.client(region="mars-1") as client:
        await client.event_types.list()
    assert not fake_scalingo.requests_to("GET", "/v1/regions")
