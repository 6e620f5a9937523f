from __future__ import annotations

import asyncio
from collections.abc import Callable

from .._protocol import operation_id_from, path_segment
from ..errors import OperationFailedError, OperationTimeoutError
from ..models import Operation, OperationRef
from ._base import Resource


def _id(app: str, operation: str | OperationRef) -> str:
    return (
        operation.id if isinstance(operation, OperationRef) else operation_id_from(app, operation)
    )


class Operations(Resource):
    async def get(self, app: str, operation_id: str | OperationRef) -> Operation:
        """One operation, by id, by the `Location` URL of a 202 answer, or by OperationRef."""
        op_id = _id(app, operation_id)
        response = await self._transport.request(
            "GET",
            f"/v1/apps/{path_segment(app, 'app')}/operations/{path_segment(op_id, 'operation_id')}",
        )
        return response.model("operation", Operation)

    async def wait(
        self,
        app: str,
        operation_id: str | OperationRef,
        *,
        timeout: float = 300,
        interval: float = 1,
        on_update: Callable[[Operation], object] | None = None,
    ) -> Operation:
        """Poll until the operation is `done` and return it.

        Raises OperationFailedError on `error` (the JS client waits forever there) and
        OperationTimeoutError, a TimeoutError, after `timeout` seconds in all. `on_update` is
        called with each state read, to show progress.
        """
        if interval <= 0 or timeout <= 0:
            raise ValueError("timeout and interval must be positive")
        op_id = _id(app, operation_id)
        last: Operation | None = None
        deadline = asyncio.timeout(timeout)
        try:
            async with deadline:
                while True:
                    last = await self.get(app, op_id)
                    if on_update is not None:
                        on_update(last)
                    if last.status.is_error:
                        raise OperationFailedError(last)
                    if last.status.is_finished:
                        return last
                    await asyncio.sleep(interval)
        except TimeoutError:
            if not deadline.expired():
                raise  # a request's own timeout, not ours
            raise OperationTimeoutError(op_id, timeout, last) from None
