"""Operations: get, and wait until done, failed or timed out."""

from __future__ import annotations

import orjson
import pytest

from scalingo_async import (
    Client,
    Container,
    DecodeError,
    NotFoundError,
    Operation,
    OperationFailedError,
    OperationRef,
    OperationStatus,
    OperationTimeoutError,
    ScaleOperation,
    ValidationError,
)
from scalingo_async.testing import FakeScalingo


async def test_get(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    op = fake_scalingo.add_operation("my-app", type="scale")
    got = await scalingo_client.operations.get("my-app", op["id"])
    assert isinstance(got, Operation)
    assert got.status is OperationStatus.PENDING
    assert got.type == "scale"
    with pytest.raises(NotFoundError) as info:
        await scalingo_client.operations.get("my-app", "missing")
    assert info.value.resource == "operation"


async def test_wait_until_done_from_a_location_url(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    op = fake_scalingo.add_operation("my-app", statuses=["pending", "running", "running", "done"])
    url = fake_scalingo.operation_url("my-app", op["id"])
    done = await scalingo_client.operations.wait("my-app", url, timeout=5, interval=0.001)
    assert done.status is OperationStatus.DONE
    assert done.finished_at is not None
    assert len(fake_scalingo.requests_to("GET", f"/v1/apps/my-app/operations/{op['id']}")) == 4


async def test_wait_raises_on_error(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    op = fake_scalingo.add_operation("my-app", statuses=["pending", "error"], error="web-1 died")
    with pytest.raises(OperationFailedError, match="web-1 died") as info:
        await scalingo_client.operations.wait("my-app", op["id"], interval=0.001)
    assert info.value.operation.status is OperationStatus.ERROR


async def test_wait_times_out(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    op = fake_scalingo.add_operation("my-app", statuses=["pending"] + ["running"] * 10_000)
    with pytest.raises(OperationTimeoutError) as info:
        await scalingo_client.operations.wait("my-app", op["id"], timeout=0.3, interval=0.01)
    assert isinstance(info.value, TimeoutError)
    assert info.value.operation is not None
    assert info.value.operation.status is OperationStatus.RUNNING


async def test_wait_refuses_another_apps_url(scalingo_client: Client) -> None:
    url = "https://api.osc-fr1.scalingo.com/v1/apps/other/operations/52fd"
    with pytest.raises(ValueError, match="belongs to app 'other'"):
        await scalingo_client.operations.wait("my-app", url)
    with pytest.raises(ValueError, match="positive"):
        await scalingo_client.operations.wait("my-app", "x", timeout=0)


async def test_restart_then_wait(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    fake_scalingo.add_app("my-app")
    ref = await scalingo_client.apps.restart("my-app", scope=["web"])
    assert isinstance(ref, OperationRef)
    assert ref.url == fake_scalingo.operation_url("my-app", ref.id)
    (sent,) = fake_scalingo.requests_to("POST", "/v1/apps/my-app/restart")
    assert orjson.loads(sent.body) == {"scope": ["web"]}
    done = await scalingo_client.operations.wait("my-app", ref, interval=0.001)
    assert done.status is OperationStatus.DONE
    assert done.type == "restart"
    await scalingo_client.apps.restart("my-app")
    assert orjson.loads(fake_scalingo.requests_to("POST", "/v1/apps/my-app/restart")[1].body) == {}


async def test_scale_returns_the_containers_and_can_fail(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.add_app("my-app")
    fake_scalingo.plan_operation("my-app", "error", "not enough capacity for 2XL")
    ref = await scalingo_client.apps.scale(
        "my-app", [{"name": "web", "amount": 2, "size": "M"}, Container("worker", 1)]
    )
    assert isinstance(ref, ScaleOperation)
    assert {(c.name, c.amount, c.size) for c in ref.containers} == {("web", 2, "M"),
                                                                    ("worker", 1, "M")}  # fmt: skip
    (sent,) = fake_scalingo.requests_to("POST", "/v1/apps/my-app/scale")
    # global-information.md, changelog of 15th April 2015: the scale body
    assert orjson.loads(sent.body) == {"containers": [{"name": "web", "amount": 2, "size": "M"},
                                                      {"name": "worker", "amount": 1}]}  # fmt: skip
    with pytest.raises(OperationFailedError, match="not enough capacity"):
        await scalingo_client.operations.wait("my-app", ref.url, interval=0.001)


async def test_scale_and_restart_refuse_bad_input(
    fake_scalingo: FakeScalingo, scalingo_client: Client
) -> None:
    fake_scalingo.add_app("my-app")
    for bad in ([], [{"name": "web"}], [{"name": "", "amount": 1}], [{"name": "w", "amount": -1}]):
        with pytest.raises(ValueError, match="container"):
            await scalingo_client.apps.scale("my-app", bad)
    with pytest.raises(ValidationError) as info:
        await scalingo_client.apps.restart("my-app", scope=["clock"])
    assert info.value.errors == {"scope": ["unknown process type clock"]}
    assert not fake_scalingo.requests_to("POST", "/v1/apps/my-app/scale")


async def test_a_202_without_location(fake_scalingo: FakeScalingo, scalingo_client: Client) -> None:
    fake_scalingo.add_app("my-app")
    fake_scalingo.fail_next("POST", "/v1/apps/my-app/restart", 202, {})
    with pytest.raises(DecodeError, match="without a Location"):
        await scalingo_client.apps.restart("my-app")
