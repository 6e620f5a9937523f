from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from .._protocol import path_segment
from ..models import Deployment, Page
from ..pagination import page_params, paginate
from ._base import Resource


def _path(app: str, *rest: str) -> str:
    return "/".join([f"/v1/apps/{path_segment(app, 'app')}/deployments", *rest])


class Deployments(Resource):
    async def page(self, app: str, page: int = 1, per_page: int | None = None) -> Page[Deployment]:
        """One page of the app's deployments, newest first."""
        response = await self._transport.request(
            "GET", _path(app), params=page_params(page, per_page)
        )
        return response.page("deployments", Deployment)

    async def list(self, app: str, per_page: int | None = None) -> AsyncIterator[Deployment]:
        """Every deployment of the app, fetching pages only as they are consumed."""
        page_params(1, per_page)  # refuse a bad per_page before the first request
        async for deployment in paginate(lambda n: self.page(app, n, per_page)):
            yield deployment

    async def get(self, app: str, deployment_id: str) -> Deployment:
        response = await self._transport.request(
            "GET", _path(app, path_segment(deployment_id, "deployment_id"))
        )
        return response.model("deployment", Deployment)

    async def create(self, app: str, *, source_url: str, git_ref: str | None = None) -> Deployment:
        """Deploy the `.tar.gz` archive at `source_url` (one top folder holding the app).

        Never retried once sent: a duplicate POST would start a second deployment.
        """
        body: dict[str, Any] = {"source_url": source_url}
        if git_ref is not None:
            body["git_ref"] = git_ref
        response = await self._transport.request("POST", _path(app), json={"deployment": body})
        return response.model("deployment", Deployment)

    async def output(self, app: str, deployment_id: str) -> str:
        """The whole build log of a deployment, as text."""
        response = await self._transport.request(
            "GET", _path(app, path_segment(deployment_id, "deployment_id"), "output")
        )
        return response.text

    async def reset_cache(self, app: str) -> None:
        """Empty the app's deployment cache, for when it holds broken or stale dependencies."""
        await self._transport.request(
            "DELETE", f"/v1/apps/{path_segment(app, 'app')}/caches/deployment"
        )
