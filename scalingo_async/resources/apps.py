from __future__ import annotations

from .._protocol import path_segment
from ..models import App
from ._base import Resource


class Apps(Resource):
    async def list(self) -> list[App]:
        """The apps this token can see."""
        response = await self._transport.request("GET", "/v1/apps")
        return response.models("apps", App)

    async def get(self, app: str) -> App:
        """One app; its `links.deployments_stream` is the live deployment log's URL."""
        response = await self._transport.request("GET", f"/v1/apps/{path_segment(app, 'app')}")
        return response.model("app", App)
