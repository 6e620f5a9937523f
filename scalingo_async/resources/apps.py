from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._protocol import operation_id_from, path_segment
from .._transport import Response
from ..models import App, Container, OperationRef, ScaleOperation
from ._base import Resource

ContainerSpec = Container | Mapping[str, Any]


def _operation(app: str, response: Response) -> OperationRef:
    location = response.headers.get("Location")
    if not location:
        raise response.decode_error("a 202 answer without a Location header naming the operation")
    try:
        return OperationRef(operation_id_from(app, location), location)
    except ValueError as exc:
        raise response.decode_error(str(exc)) from None


def _container_body(spec: ContainerSpec) -> dict[str, Any]:
    if isinstance(spec, Mapping):
        item = {"name": spec.get("name"), "amount": spec.get("amount"), "size": spec.get("size")}
    else:
        item = {"name": spec.name, "amount": spec.amount, "size": spec.size}
    if not isinstance(item["name"], str) or not item["name"]:
        raise ValueError(f"a container needs a name, got {spec!r}")
    amount = item["amount"]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(f"a container amount must be an integer >= 0, got {spec!r}")
    return {k: v for k, v in item.items() if v is not None}


class Apps(Resource):
    async def list(self) -> list[App]:
        """The apps this token can see."""
        response = await self._transport.request("GET", "/v1/apps")
        return response.models("apps", App)

    async def get(self, app: str) -> App:
        """One app; its `links.deployments_stream` is the live deployment log's URL."""
        response = await self._transport.request("GET", f"/v1/apps/{path_segment(app, 'app')}")
        return response.model("app", App)

    async def restart(self, app: str, scope: Iterable[str] | None = None) -> OperationRef:
        """Restart the app's containers, or only those of the process types in `scope`."""
        body = {"scope": list(scope)} if scope is not None else {}
        response = await self._transport.request(
            "POST", f"/v1/apps/{path_segment(app, 'app')}/restart", json=body
        )
        return _operation(app, response)

    async def scale(self, app: str, containers: Iterable[ContainerSpec]) -> ScaleOperation:
        """Set how many containers of which size run each process type.

        `containers` holds Container objects or mappings like
        `{"name": "web", "amount": 2, "size": "M"}`.
        """
        body = {"containers": [_container_body(c) for c in containers]}
        if not body["containers"]:
            raise ValueError("scale needs at least one container")
        response = await self._transport.request(
            "POST", f"/v1/apps/{path_segment(app, 'app')}/scale", json=body
        )
        ref = _operation(app, response)
        return ScaleOperation(ref.id, ref.url, response.models("containers", Container))
