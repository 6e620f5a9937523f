"""Retries, timeouts, limits and cancellation under injected faults, over loopback."""

from __future__ import annotations

import asyncio
import os
import random
from typing import Any

import aiohttp
import pytest

from scalingo_async import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    Client,
    DecodeError,
    RateLimit,
    RateLimitError,
    ServerError,
)
from scalingo_async._limits import rate_delay
from scalingo_async.testing import FakeScalingo

CREATE = "/v1/apps/my-app/deployments"
SOURCE = "https://example.com/a.tar.gz"
TYPES = "/v1/event_types"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"status": 500, "body": {"error": "boom"}}, ServerError),
        ({"status": 502, "body": b"<html>bad gateway</html>"}, ServerError),
        ({"status": 503, "body": {"error": "down"}}, ServerError),
        ({"status": 504, "body": b""}, ServerError),
        ({"status": 408, "body": b""}, APIError),
        ({"status": 429, "body": b"Retry later", "headers": {"Retry-After": "0"}},
         RateLimitError),
        ({"status": 429, "body": b"Retry later"}, RateLimitError),
        ({"drop": True}, APIConnectionError),
        ({"status": 201, "body": {"deployment": {"id": "d"}}, "truncate": True},
         APIConnectionError),
        ({"delay": 5.0}, APITimeoutError),
    ],
)  # fmt: skip
async def test_a_deployment_post_is_never_sent_twice(
    fake_scalingo: FakeScalingo, fault: dict[str, Any], error: type[Exception]
) -> None:
    fake_scalingo.add_app("my-app")
    fake_scalingo.fail_next("POST", CREATE, times=5, **fault)
    async with fake_scalingo.client(max_retries=3, timeout=0.5) as client:
        with pytest.raises(error):
            await client.deployments.create("my-app", source_url=SOURCE)
    assert len(fake_scalingo.requests_to("POST", CREATE)) == 1


async def test_a_post_that_never_left_is_retried(closed_port: int) -> None:
    # Connection refused: the request provably never reached a server, so resending is safe.
    url = f"http://127.0.0.1:{closed_port}"
    async with Client(bearer_token="b", api_url=url, max_retries=2) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.deployments.create("my-app", source_url=SOURCE)
    assert info.value.retries == 2


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 503, "body": {"error": "down"}},
        {"status": 429, "body": b"Retry later"},
        {"status": 502, "body": b"<html></html>"},
        {"drop": True},
        {"status": 200, "body": {"event_types": []}, "truncate": True},
        {"delay": 5.0},
    ],
)
async def test_a_get_survives_two_faults(
    fake_scalingo: FakeScalingo, fault: dict[str, Any]
) -> None:
    fake_scalingo.fail_next("GET", TYPES, times=2, **fault)
    async with fake_scalingo.client(max_retries=2, timeout=1.0) as client:
        assert len(await client.event_types.list()) == 3
    assert len(fake_scalingo.requests_to("GET", TYPES)) == 3


async def test_put_and_delete_are_retried_too(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.add_app("my-app")
    fake_scalingo.fail_next("DELETE", "/v1/apps/my-app/caches/deployment", 503, times=2)
    async with fake_scalingo.client() as client:
        await client.deployments.reset_cache("my-app")
    assert fake_scalingo.cache_resets["my-app"] == 1


async def test_retry_after_is_honoured(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.fail_next("GET", TYPES, 429, b"Retry later", headers={"Retry-After": "0.3"})
    async with fake_scalingo.client() as client:
        await client.event_types.list()
    first, second = fake_scalingo.requests_to("GET", TYPES)
    assert second.received_at - first.received_at >= 0.3


async def test_retry_after_above_the_cap_raises_at_once(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.fail_next("GET", TYPES, 503, headers={"Retry-After": "3600"})
    async with fake_scalingo.client() as client:
        with pytest.raises(ServerError) as info:
            await client.event_types.list()
    assert info.value.retries == 0
    assert len(fake_scalingo.requests_to("GET", TYPES)) == 1


async def test_per_call_options(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.fail_next("GET", TYPES, 503, times=10, headers={"Retry-After": "0"})
    async with fake_scalingo.client(max_retries=5) as client:
        with pytest.raises(ServerError) as info:
            await client.with_options(max_retries=0).event_types.list()
        assert info.value.retries == 0
        with pytest.raises(ServerError) as info:
            await client.event_types.list()
        assert info.value.retries == 5
        fake_scalingo.clear_faults()
        fake_scalingo.fail_next("GET", TYPES, delay=5.0)
        with pytest.raises(APITimeoutError):
            await client.with_options(timeout=0.1, max_retries=0).event_types.list()
        # The view shares the session: the client still works, on the same connection pool.
        assert len(await client.event_types.list()) == 3
    assert fake_scalingo.exchanges == 1


async def test_huge_error_bodies_are_capped(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.fail_next("GET", TYPES, 500, b"<html>" + b"A" * 20_000_000)
    async with fake_scalingo.client(max_retries=0) as client:
        with pytest.raises(ServerError) as info:
            await client.event_types.list()
    assert len(str(info.value)) < 500
    assert len(str(info.value.body)) <= 200


async def test_wrong_json_types_from_the_server(fake_scalingo: FakeScalingo) -> None:
    fake_scalingo.add_app("my-app")
    fake_scalingo.fail_next("GET", "/v1/apps/my-app", 200, {"app": {"id": 1, "name": None}})
    async with fake_scalingo.client() as client:
        with pytest.raises(DecodeError, match="could not read 'app' as App"):
            await client.apps.get("my-app")


async def test_a_thousand_polls_with_503s_under_max_concurrency() -> None:
    async with FakeScalingo(latency=0.001) as fake:
        names = [f"app-{i}" for i in range(1000)]
        for name in names:
            fake.add_app(name)
        for name in random.Random(7).sample(names, 100):
            fake.fail_next("GET", f"/v1/apps/{name}", 503, {"error": "busy"},
                           headers={"Retry-After": "0"})  # fmt: skip
        async with fake.client(max_concurrency=10) as client:
            apps = await asyncio.gather(*(client.apps.get(name) for name in names))
        assert [a.name for a in apps] == names
        assert fake.max_in_flight == 10  # reached, and never passed
        assert len([r for r in fake.requests if r.path.startswith("/v1/apps/")]) == 1100


async def test_rate_limit_is_respected_over_the_run(fake_scalingo: FakeScalingo) -> None:
    starts: list[float] = []

    async def on_start(*_: object) -> None:
        starts.append(asyncio.get_running_loop().time())

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    limit = RateLimit(requests=10, period=0.2)
    async with fake_scalingo.client(rate_limit=limit, trace_configs=[trace]) as client:
        await client.event_types.list()  # the exchange and the first call
        starts.clear()
        await asyncio.gather(*(client.event_types.list() for _ in range(40)))
    assert len(starts) == 40
    # The limiter stamps a start when it grants it; the trace fires a little later, after the
    # event loop gets to that task, so a busy machine skews two stamps by a few milliseconds.
    # Without the limiter all 40 start within milliseconds, so the margin hides nothing.
    jitter = 0.02
    for i in range(len(starts) - 10):
        assert starts[i + 10] - starts[i] >= 0.2 - jitter
    assert starts[-1] - starts[0] >= 3 * (0.2 - jitter)


def test_rate_delay_rule() -> None:
    limit = RateLimit(3, 1.0)
    assert rate_delay([], 5.0, limit) == 0.0
    assert rate_delay([4.0, 4.5], 5.0, limit) == 0.0
    assert rate_delay([4.2, 4.5, 4.9], 5.0, limit) == pytest.approx(0.2)
    assert rate_delay([1.0, 4.5, 4.9, 4.95], 5.0, limit) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="requests"):
        RateLimit(0)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _tasks() -> tuple[int, int]:
    """(the client's tasks, the fake server's connection handlers), in this one process."""
    names = [t.get_coro().__qualname__ for t in asyncio.all_tasks()]  # type: ignore[union-attr]
    server = names.count("RequestHandler.start")
    return len(names) - server, server


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
async def test_no_fd_or_task_growth_after_ten_thousand_calls(
    fake_scalingo: FakeScalingo,
) -> None:
    base_fds = _open_fds()
    async with fake_scalingo.client(max_concurrency=50) as client:
        await client.event_categories.list()
        client_tasks, _ = _tasks()
        samples = []
        for _ in range(20):
            await asyncio.gather(*(client.event_categories.list() for _ in range(500)))
            samples.append(_open_fds())
            assert _tasks()[0] <= client_tasks
            assert _tasks()[1] <= 50 + 1  # one per pooled connection, and the auth service's
    # The keep-alive pool holds at most 50 connections: two descriptors each in this process
    # (client and fake server), and it stops growing once warm.
    assert max(samples) <= base_fds + 2 * (50 + 1) + 5
    assert max(samples[10:]) <= max(samples[:10])
    assert _open_fds() <= base_fds + 5


def _acquired(client: Client) -> int:
    # aiohttp has no public count of connections checked out of the pool.
    connector = client._transport.session.connector
    assert connector is not None
    return len(connector._acquired)  # type: ignore[attr-defined]


async def test_cancellation_at_random_points_releases_every_connection(
    fake_scalingo: FakeScalingo,
) -> None:
    fake_scalingo.fail_next("GET", TYPES, delay=0.005, times=50)
    fake_scalingo.fail_next("GET", "/v1/event_categories", 200, {"event_categories": []},
                            truncate=True, delay=0.01, times=50)  # fmt: skip
    rng = random.Random(3)
    async with fake_scalingo.client(max_concurrency=5) as client:
        await client.event_types.list()
        calls = [client.event_types.list, client.event_categories.list] * 100
        results = await asyncio.gather(
            *(asyncio.wait_for(call(), rng.uniform(0, 0.02)) for call in calls),
            return_exceptions=True,
        )
        assert any(isinstance(r, TimeoutError) for r in results)
        assert _acquired(client) == 0


async def test_cancellation_while_queued_mid_body_and_in_backoff(
    fake_scalingo: FakeScalingo,
) -> None:
    async with fake_scalingo.client(max_concurrency=1) as client:
        await client.event_types.list()
        # Mid-body: headers and half the body sent, then the server stalls.
        fake_scalingo.fail_next("GET", TYPES, 200, {"event_types": []}, truncate=True, delay=30)
        mid_body = asyncio.create_task(client.event_types.list())
        await fake_scalingo.wait_for_requests("GET", TYPES, 2)
        # Queued: the only slot is taken by the stalled call.
        queued = asyncio.create_task(client.event_categories.list())
        # In backoff: a 503 asking for 30 s before the retry.
        fake_scalingo.fail_next("GET", "/v1/apps/x", 503, headers={"Retry-After": "30"})
        for task in (mid_body, queued):
            task.cancel()
        for task in (mid_body, queued):
            with pytest.raises(asyncio.CancelledError):
                await task
        fake_scalingo.add_app("x")
        backoff = asyncio.create_task(client.apps.get("x"))
        await fake_scalingo.wait_for_requests("GET", "/v1/apps/x", 1)
        backoff.cancel()
        with pytest.raises(asyncio.CancelledError):
            await backoff
        assert _acquired(client) == 0
        assert len(fake_scalingo.requests_to("GET", "/v1/apps/x")) == 1
        # Nothing was left holding the single slot.
        assert len(await client.event_categories.list()) == 2


@pytest.mark.parametrize("bad", ["", "..", ".", "a/b", "../../v1/events", "%2e%2e/x", "a\\b", "\n"])
async def test_crafted_names_never_leave_the_client(
    fake_scalingo: FakeScalingo, scalingo_client: Client, bad: str
) -> None:
    c = scalingo_client
    calls = [
        lambda: c.apps.get(bad),
        lambda: c.deployments.get(bad, "id"),
        lambda: c.deployments.get("app", bad),
        lambda: c.deployments.page(bad),
        lambda: c.deployments.output("app", bad),
        lambda: c.deployments.create(bad, source_url=SOURCE),
        lambda: c.deployments.reset_cache(bad),
        lambda: c.operations.get(bad, "op"),
        lambda: c.operations.get("app", bad),
        lambda: c.operations.wait("app", bad),
        lambda: c.events.page(bad),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="must"):
            await call()
    with pytest.raises(ValueError, match="must"):
        [d async for d in c.deployments.list(bad)]
    with pytest.raises(ValueError, match="must"):
        [e async for e in c.events.list(bad)]
    assert not [r for r in fake_scalingo.requests if r.service == "api"]
