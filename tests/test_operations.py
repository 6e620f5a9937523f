"""Operations: get, and wait until done, failed or timed out."""

from __future__ import annotations

import pytest

from scalingo_async import (
    Client,
    NotFoundError,
    Operation,
    OperationFailedError,
    OperationStatus,
    OperationTimeoutError,
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
        await scalingo_client.operations.wait("my-app", op["id"], timeout=0.05, interval=0.001)
    assert isinstance(info.value, TimeoutError)
    assert info.value.operation is not None
    assert info.value.operation.status is OperationStatus.RUNNING


async def test_wait_refuses_another_apps_url(scalingo_client: Client) -> None:
    url = "https://api.osc-fr1.scalingo.com/v1/apps/other/operations/52fd"
    with pytest.raises(ValueError, match="belongs to app 'other'"):
        await scalingo_client.operations.wait("my-app", url)
    with pytest.raises(ValueError, match="positive"):
        await scalingo_client.operations.wait("my-app", "x", timeout=0)
