from __future__ import annotations

import asyncio
import collections
import inspect
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import attrs

from .._archive import archive_for
from .._protocol import path_segment
from .._transport import Transport
from ..errors import DeploymentFailedError
from ..models import (
    Deployment,
    DeploymentLogEvent,
    DeploymentStatus,
    DeploymentStatusEvent,
    Page,
    StreamEvent,
)
from ..pagination import page_params, paginate
from ..stream import DeploymentStream, TokenKind, follow
from ._base import Resource
from .sources import Sources

DeploySource = str | Path | bytes  # a folder, a .tar.gz path or bytes, or an archive URL
LineCallback = Callable[[str], Any]
StatusCallback = Callable[[DeploymentStatus], Any]


def _path(app: str, *rest: str) -> str:
    return "/".join([f"/v1/apps/{path_segment(app, 'app')}/deployments", *rest])


class Deployments(Resource):
    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self._sources = Sources(transport)

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

    def stream(
        self,
        app: str,
        *,
        token: TokenKind = "bearer",
        skip_malformed: bool = False,
        max_reconnects: int = 5,
    ) -> DeploymentStream:
        """The live events of every deployment of the app: `async with ... as s: async for`."""
        return DeploymentStream(
            self._transport,
            app,
            token=token,
            skip_malformed=skip_malformed,
            max_reconnects=max_reconnects,
        )

    def follow(
        self,
        app: str,
        deployment_id: str,
        *,
        token: TokenKind = "bearer",
        check_interval: float = 30.0,
        poll_interval: float = 3.0,
        max_reconnects: int = 5,
    ) -> AsyncIterator[StreamEvent]:
        """The log lines and statuses of one deployment, ending after its final status.

        It survives a lost stream by polling REST (see `scalingo_async.stream.follow`).
        """
        return follow(
            self,
            app,
            deployment_id,
            token=token,
            check_interval=check_interval,
            poll_interval=poll_interval,
            max_reconnects=max_reconnects,
        )

    async def deploy(
        self,
        app: str,
        source: DeploySource,
        *,
        git_ref: str | None = None,
        follow: LineCallback | None = None,
        on_status: StatusCallback | None = None,
        raise_on_failure: bool = True,
    ) -> Deployment:
        """Deploy a folder, a .tar.gz (a path or bytes) or an archive URL, and wait for the end.

        Each build log line goes to `follow`, and each status to `on_status`, as they come
        (functions or coroutine functions).
        With `raise_on_failure`, a final status other than success raises DeploymentFailedError
        carrying the deployment and the last log lines. Returns the final Deployment.
        """
        source_url = await self.upload_source(source)
        deployment = await self.create(app, source_url=source_url, git_ref=git_ref)
        last_lines: collections.deque[str] = collections.deque(maxlen=50)
        status = None
        async for event in self.follow(app, deployment.id):
            if isinstance(event, DeploymentLogEvent):
                last_lines.append(event.content)
                if follow is not None and inspect.isawaitable(result := follow(event.content)):
                    await result
            elif isinstance(event, DeploymentStatusEvent):
                status = event.status
                if on_status is not None and inspect.isawaitable(result := on_status(status)):
                    await result
        final = await self.get(app, deployment.id)
        if status is not None and status.is_finished and not final.is_finished:
            final = attrs.evolve(final, status=status)  # REST may lag the stream by a moment
        if raise_on_failure and not final.is_success:
            raise DeploymentFailedError(final, list(last_lines))
        return final

    async def upload_source(self, source: DeploySource) -> str:
        """The URL to deploy `source` from: a URL as it is, else the archive uploaded through
        `POST /v1/sources` (a folder is packed first, in a thread)."""
        if isinstance(source, str) and source.startswith(("https://", "http://")):
            return source
        if isinstance(source, bytes):
            return await self._upload(source)
        # Made here, not in the thread, so that it is deleted even if the call is cancelled.
        fd, name = tempfile.mkstemp(prefix="scalingo-", suffix=".tar.gz")
        os.close(fd)
        try:
            # tar, gzip and file reads block: a thread keeps the event loop free meanwhile.
            archive = await asyncio.to_thread(archive_for, Path(source), Path(name))
            return await self._upload(archive)
        finally:
            os.unlink(name)

    async def _upload(self, archive: bytes | Path) -> str:
        upload = await self._sources.create()
        await self._sources.upload(upload, archive)
        return upload.download_url
